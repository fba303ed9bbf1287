/**
 * A package the bundle holds and a package kept on disk depends on would load twice: once bundled,
 * once from lib/node_modules beside the package that needs it. Two copies of a module are two sets of
 * classes and singletons, and a framework that injects by class (NestJS's HttpAdapterHost, asked for
 * by @nestjs/observe) fails to find its own. Such a package is kept on disk too, so both load one copy.
 */
import { dependencyClosure } from './copy-disk-packages.js';
import { packageOf, type PackageLocation } from './package-of.js';

/** Packages among `bundledFiles` that the packages on disk also load, by name, with the reason. */
export function bundledPackagesSharedWithDisk(bundledFiles: Iterable<string>, onDisk: readonly PackageLocation[]): Map<string, string> {
  const shared = new Map<string, string>();
  if (onDisk.length === 0) return shared;
  const needed = new Map<string, string>();
  for (const root of onDisk) {
    for (const pkg of dependencyClosure([root])) if (pkg.dir !== root.dir && !needed.has(pkg.dir)) needed.set(pkg.dir, root.name);
  }
  for (const file of bundledFiles) {
    const pkg = packageOf(file);
    const by = pkg && needed.get(pkg.dir);
    if (pkg && by && !shared.has(pkg.name)) shared.set(pkg.name, `also loaded by ${by}, kept on disk`);
  }
  return shared;
}
