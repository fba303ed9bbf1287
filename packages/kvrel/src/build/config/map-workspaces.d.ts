// @npmcli/map-workspaces ships no types; this is the part of lib/index.js that workspace-packages.ts uses.
declare module '@npmcli/map-workspaces' {
  interface MapWorkspacesOptions {
    /** The project root the patterns are relative to. */
    cwd: string;
    /** The root package.json's content (its `workspaces` field). */
    pkg: { workspaces?: unknown };
  }
  /** Workspace package name (or folder name when it has none) to its absolute folder, in npm's order. */
  function mapWorkspaces(options: MapWorkspacesOptions): Promise<Map<string, string>>;
  export default mapWorkspaces;
}
