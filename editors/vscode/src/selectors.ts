// The documents msb-lsp serves in VS Code. Pure (no `vscode` import): the shapes are
// vscode.DocumentFilter objects, checked by the unit tests.

export type DocumentFilter =
  | { language: string; scheme: string; pattern?: undefined }
  | { language?: undefined; scheme: string; pattern: string };

/** Compose files by name, whatever language an extension gave them (yaml, dockercompose). */
export const COMPOSE_PATTERN = "**/{compose,docker-compose}*.{yml,yaml}";
/** Bake files by name (HCL or JSON). */
export const BAKE_PATTERN = "**/docker-bake*.{hcl,json}";

export const DOCUMENT_SELECTOR: DocumentFilter[] = [
  { language: "dockerfile", scheme: "file" },
  { language: "dockerfile", scheme: "untitled" },
  { language: "dockercompose", scheme: "file" },
  { scheme: "file", pattern: COMPOSE_PATTERN },
  { scheme: "file", pattern: BAKE_PATTERN },
];

/** The configuration sections whose change needs a server restart (not a settings push). */
export function needsRestart(affects: (section: string) => boolean): boolean {
  return affects("msbLsp.server");
}
