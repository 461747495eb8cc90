import { createContext } from 'preact';

/** The address of the page being shown (`html()` provides it): the language switch comes back to it, and the
 * navigation marks where the reader is. */
export const PagePathContext = createContext('/');
