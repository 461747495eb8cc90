// Small DOM reads shared by the adapters.

/** Elements matching `selector` that are `root`, contain `root` or sit under it: a changed cell still finds its row. */
export function elementsAround<E extends Element = Element>(root: ParentNode, selector: string): E[] {
  const found: E[] = [];
  if (isElement(root)) {
    const enclosing = root.closest<E>(selector);
    if (enclosing) found.push(enclosing);
  }
  for (const element of root.querySelectorAll<E>(selector)) found.push(element);
  return found;
}

/** Trimmed text of an element; textContent, never innerText, so reading a thousand rows forces no layout. */
export function textOf(element: Element | null | undefined): string {
  return element?.textContent?.trim() ?? '';
}

/**
 * A row's td and th cells, walked from sibling to sibling. Not `row.cells`: in a content script every index into that
 * live collection goes through the browser's bindings, which on a 5,000-row table cost more than the walk itself.
 */
export function cellsOf(row: Element): Element[] {
  const cells: Element[] = [];
  for (let child = row.firstElementChild; child; child = child.nextElementSibling) {
    if (child.localName === 'td' || child.localName === 'th') cells.push(child);
  }
  return cells;
}

export function isElement(node: Node | ParentNode): node is Element {
  return (node as Node).nodeType === 1;
}
