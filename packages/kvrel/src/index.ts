/** kvrel's library surface, for releases.config.ts. */
export { defineReleases } from './config/define-releases.js';
export type { ReleaseDefinition, ReleasesConfig } from './config/define-releases.js';
