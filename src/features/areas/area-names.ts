/**
 * The one place an area code becomes what users read (docs/areas.md): the municipality's name for
 * it (table `areas`), else the code itself, so an area written before it was named is still shown.
 * Pages, reports, reasons and the CLI load the map once per page or report (`AreasService.names`)
 * and pass it down.
 */
export type AreaNames = ReadonlyMap<string, string>;

export const NO_AREA_NAMES: AreaNames = new Map();

export const areaName = (names: AreaNames | undefined, code: string): string => names?.get(code) ?? code;
