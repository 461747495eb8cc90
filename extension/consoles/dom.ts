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

export function isElement(node: Node | ParentNode): node is Element {
  return (node as Node).nodeType === 1;
}
