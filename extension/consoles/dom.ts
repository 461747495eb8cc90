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
 * A row's td and th cells. `row.cells` where the browser has it: indexing it touches only the cells asked for, which
 * on a 5,000-row table is most of the difference between reading it in one frame or three.
 */
export function cellsOf(row: Element): ArrayLike<Element> & Iterable<Element> {
  const native = (row as HTMLTableRowElement).cells;
  if (native) return native;
  const cells: Element[] = [];
  for (const child of row.children) if (child.localName === 'td' || child.localName === 'th') cells.push(child);
  return cells;
}

export function isElement(node: Node | ParentNode): node is Element {
  return (node as Node).nodeType === 1;
}
