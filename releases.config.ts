// The releases of this repository: `kvrel release foo` / `kvrel release bar`.
import { defineReleases } from 'kvrel';

export default defineReleases({
  foo: { version: '0.0.1', applications: { 'kv-server': 'permanent', kv: 'permanent' } },
  bar: { version: '0.0.1', applications: { kv: 'permanent' } },
});
