// The page's own chrome: its banner, navigation, search and footer. An address there ("Contact your administrator",
// the signed-in admin's name) belongs to no user row, so nothing in it is ever badged.

const CHROME_ROLES = 'nav, [role="navigation"], [role="banner"], [role="contentinfo"], [role="search"]';
// Frames that say what they are only by name (OutSystems' div.Footer, Bootstrap's .navbar).
export const CHROME_NAMES =
  '.footer, .Footer, #footer, #page-footer, .page-footer, .site-footer, .navbar, .topbar, .masthead, .Header, #header';
// HTML maps <header> and <footer> to the banner and content info only outside sectioning content.
const SECTIONING = 'article, aside, main, nav, section, [role="main"], [role="article"], [role="region"], dialog';

export function isPageChrome(element: Element): boolean {
  if (element.closest(`${CHROME_ROLES}, ${CHROME_NAMES}`)) return true;
  const landmark = element.closest('header, footer');
  return landmark !== null && landmark.parentElement?.closest(SECTIONING) == null;
}
