/**
 * Reading a parsed UBL document (the DOM xmlbuilder2 builds) by qualified names: the few helpers
 * the received-invoice reader and the Invoice Response check share. `ns` maps the prefixes used in
 * paths (cbc, cac) to their namespaces.
 */
export type El = {
  localName: string;
  namespaceURI: string | null;
  textContent: string | null;
  childNodes: ArrayLike<unknown>;
  getAttribute(name: string): string | null;
};

export const isEl = (n: unknown): n is El => (n as { nodeType?: number }).nodeType === 1;
export const children = (el: El): El[] => Array.from(el.childNodes).filter(isEl);

export function domReader(ns: { cbc: string; cac: string }) {
  const kids = (el: El | undefined, step: string): El[] => {
    if (!el) return [];
    const [p, name] = step.split(':') as ['cbc' | 'cac', string];
    return children(el).filter((c) => c.localName === name && c.namespaceURI === ns[p]);
  };
  /** The first element at a path of qualified names below `el`, e.g. 'cac:Party/cbc:EndpointID'. */
  const at = (el: El | undefined, path: string): El | undefined =>
    path.split('/').reduce<El | undefined>((cur, step) => kids(cur, step)[0], el);
  const all = (el: El | undefined, path: string): El[] =>
    path.split('/').reduce<El[]>((cur, step) => cur.flatMap((c) => kids(c, step)), el ? [el] : []);
  const text = (el: El | undefined, path?: string): string | null => (path ? at(el, path) : el)?.textContent?.trim() || null;
  return { kids, at, all, text };
}
