// `npm run lint`'s second half: Biome formats code to the width in biome.json but leaves a long string
// or comment as it is; this names every line of the linted files that is still wider.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

const { formatter, files } = JSON.parse(readFileSync('biome.json', 'utf8'));
const width = formatter.lineWidth;
const excluded = files.includes.filter((p) => p.startsWith('!')).map((p) => p.slice(1).replace(/^\*\*\//, ''));
const tracked = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.ts', '*.mts', '*.cts', '*.js', '*.mjs', '*.cjs'], {
  encoding: 'utf8',
})
  .split('\n')
  .filter(
    (file) => file !== '' && existsSync(file) && !excluded.some((path) => file === path || file.startsWith(`${path}/`) || file.split('/').includes(path)),
  );
let over = 0;
for (const file of tracked) {
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, index) => {
      if (line.length > width) {
        over++;
        console.error(`${file}:${index + 1}: ${line.length} characters, over the ${width} biome.json allows`);
      }
    });
}
if (over > 0) process.exit(1);
