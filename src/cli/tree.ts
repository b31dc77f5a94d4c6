/**
 * Trees of cgroups as text, like tree(1), with columns of numbers at the right:
 *
 *   /sys/fs/cgroup/cpuacct             tasks    cpu time
 *   ├── services                           0     12.34 s
 *   │   └── web                          812      9.87 s
 *   └── system                             2      0.01 s
 *
 * Counts are of the cgroup's own tasks (the length of its `tasks` file); CPU time is
 * `cpuacct.usage`, which is hierarchical (a parent includes its children).
 */
import type { Kernel } from '../kernel.ts';

export interface TreeNode {
  name: string;
  cells: string[];
  children: TreeNode[];
}

/**
 * Draw `root` with its columns right-aligned under `headers`. A `title` goes on the header
 * row when it fits in the label column, else on a line of its own above it.
 */
export function formatTree(root: TreeNode, headers: readonly string[], title = ''): string {
  const rows: Array<{ label: string; cells: string[] }> = [];
  const walk = (node: TreeNode, prefix: string, branch: string): void => {
    rows.push({ label: prefix + branch + node.name, cells: node.cells });
    const kids = node.children;
    const childPrefix = prefix + (branch === '' ? '' : branch === '└── ' ? '    ' : '│   ');
    kids.forEach((kid, i) => {
      walk(kid, childPrefix, i === kids.length - 1 ? '└── ' : '├── ');
    });
  };
  walk(root, '', '');
  const labelWidth = Math.max(...rows.map((r) => r.label.length)) + 2;
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r.cells[i] ?? '').length)));
  const line = (label: string, cells: readonly string[]): string =>
    (label.padEnd(labelWidth) + cells.map((c, i) => c.padStart(widths[i]!)).join('  ')).trimEnd();
  const out = rows.map((r) => line(r.label, r.cells));
  if (headers.length > 0) {
    const fits = title.length + 2 <= labelWidth;
    out.unshift(line(fits ? title : '', headers));
    if (!fits && title !== '') out.unshift(title);
  } else if (title !== '') {
    out.unshift(title);
  }
  return out.join('\n') + '\n';
}

/** Number of lines of a tasks file without splitting it. */
function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Seconds with two decimals, from nanoseconds. */
export function seconds(ns: bigint): string {
  const cs = Number(ns / 10_000_000n);
  return `${Math.floor(cs / 100)}.${String(cs % 100).padStart(2, '0')} s`;
}

export interface CgroupRow {
  path: string; // relative to the hierarchy root, '/' for the root
  tasks: number;
  cpuNs: bigint | null; // null without cpuacct
  children: CgroupRow[];
}

/** Read the cgroup tree under `dir` (a cgroup directory) through the filesystem. */
export function readCgroupTree(k: Kernel, dir: string, rel = '/'): CgroupRow {
  const fs = k.fs;
  const tasks = countLines(fs.readFileSync(`${dir}/tasks`, 'utf8') as string);
  let cpuNs: bigint | null = null;
  for (const f of ['cpuacct.usage', 'usage']) {
    if (fs.existsSync(`${dir}/${f}`)) {
      cpuNs = BigInt((fs.readFileSync(`${dir}/${f}`, 'utf8') as string).trim());
      break;
    }
  }
  const children: CgroupRow[] = [];
  const names = (fs.readdirSync(dir, { withFileTypes: true }) as Array<{ name: string; isDirectory(): boolean }>)
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  for (const name of names)
    children.push(readCgroupTree(k, `${dir}/${name}`, rel === '/' ? `/${name}` : `${rel}/${name}`));
  return { path: rel, tasks, cpuNs, children };
}

/** A CgroupRow tree as a TreeNode with columns [tasks] or [tasks, cpu time]. */
export function cgroupTreeNode(row: CgroupRow, rootLabel: string, withCpu: boolean): TreeNode {
  const cells = [row.tasks.toLocaleString('en-US')];
  if (withCpu) cells.push(row.cpuNs === null ? '' : seconds(row.cpuNs));
  return {
    name: row.path === '/' ? rootLabel : row.path.slice(row.path.lastIndexOf('/') + 1),
    cells,
    children: row.children.map((c) => cgroupTreeNode(c, rootLabel, withCpu)),
  };
}

/** The tree of the hierarchy mounted at (or the cgroup directory) `dir`, its root labelled `label`. */
export function renderCgroupTree(k: Kernel, dir: string, title = '', label = dir): string {
  const row = readCgroupTree(k, dir);
  const withCpu = row.cpuNs !== null;
  return formatTree(cgroupTreeNode(row, label, withCpu), withCpu ? ['tasks', 'cpu time'] : ['tasks'], title);
}

/** 'cpuset,cpuacct on /cg' (plus the release agent): what is mounted at `mount`. */
export function hierarchyTitle(k: Kernel, mount: string): string {
  const h = k.hierarchies().find((x) => x.mounts.includes(mount));
  if (h === undefined) return mount;
  const what = [...h.subsystems, ...(h.name ? [`name=${h.name}`] : [])].join(',') || 'none';
  return `${what} on ${mount}${h.releaseAgent ? `, release_agent=${h.releaseAgent}` : ''}`;
}
