/** kvrel's library surface, for releases.config.ts. */
export { defineReleases } from './release/define-releases.js';
export type { ReleaseDefinition, ReleasesConfig } from './release/define-releases.js';
