/**
 * A stand-in for the core in pure-logic subsystem tests: a tree of cgroups with one
 * subsystem's css objects and a SubsysContext whose engine answers only what these
 * subsystems ask of it without a Kernel (populated flags and task counts set by the test).
 */
import type { Cgroup, Css, SubsysContext, Subsystem } from '../../src/cgroup/defs.ts';
import type { Engine } from '../../src/engine/types.ts';

export class FakeCgroup implements Cgroup {
  readonly children: FakeCgroup[] = [];
  readonly hierarchyId = 1;
  readonly cloneChildren = false;
  readonly cssMap = new Map<string, Css>();
  /** Tasks directly in this cgroup (set by the test). */
  nrTasks = 0;
  constructor(
    readonly id: number,
    readonly name: string,
    readonly parent: FakeCgroup | null,
  ) {}
  get path(): string {
    return this.parent === null ? '/' : `${this.parent.path === '/' ? '' : this.parent.path}/${this.name}`;
  }
  get isRoot(): boolean {
    return this.parent === null;
  }
  taskCount(): number {
    return this.nrTasks;
  }
  tasks(): Int32Array {
    return new Int32Array(0);
  }
  css<S = unknown>(name: string): Css<S> | undefined {
    return this.cssMap.get(name) as Css<S> | undefined;
  }
  /** Tasks here or in any descendant (the engine's populated flag). */
  populated(): boolean {
    return this.nrTasks > 0 || this.children.some((c) => c.populated());
  }
}

export interface FakeTree<S> {
  ctx: SubsysContext;
  root: Css<S>;
  /** mkdir: a child css created by the subsystem's create(). */
  mkdir(parent: Css<S>, name: string): Css<S>;
  cgroup(css: Css<S>): FakeCgroup;
}

/** A tree holding one subsystem, with ctx.cpus / ctx.mems as given. */
export function fakeTree<S>(
  ss: Subsystem<S>,
  opts: { cpus?: number; mems?: number; actor?: number; ctx?: Partial<SubsysContext> } = {},
): FakeTree<S> {
  const byId = new Map<number, FakeCgroup>();
  let nextId = 1;
  const engine = {
    cgroupPopulated: (id: number) => byId.get(id)?.populated() ?? false,
    cgroupTaskCount: (id: number) => byId.get(id)?.nrTasks ?? 0,
  } as unknown as Engine;
  const ctx: SubsysContext = {
    cpus: opts.cpus ?? 4,
    mems: opts.mems ?? 1,
    actor: opts.actor ?? 1,
    profile: 'v1',
    engine,
    cssOf: () => {
      throw new Error('fake: cssOf');
    },
    cgroupById: (id) => byId.get(id),
    slotOf: () => 0,
    credentials: () => ({ uid: 0, gid: 0 }),
    subsystems: [ss as Subsystem<unknown>],
    ...opts.ctx,
  } as SubsysContext;
  const make = (parent: Css<S> | null, name: string): Css<S> => {
    const pc = parent === null ? null : (parent.cgroup as FakeCgroup);
    const cgrp = new FakeCgroup(nextId++, name, pc);
    byId.set(cgrp.id, cgrp);
    const css: Css<S> = { ss, cgroup: cgrp, parent, state: ss.create!(parent, cgrp, ctx) };
    cgrp.cssMap.set(ss.name, css as Css);
    pc?.children.push(cgrp);
    return css;
  };
  return {
    ctx,
    root: make(null, ''),
    mkdir: make,
    cgroup: (css) => css.cgroup as FakeCgroup,
  };
}

/** The control file `name` of a subsystem. */
export function cft<S>(ss: Subsystem<S>, name: string) {
  const f = ss.files?.find((x) => x.name === name);
  if (f === undefined) throw new Error(`no file ${ss.name}.${name}`);
  return f;
}

/** Read a control file as the core would. */
export function read<S>(tree: FakeTree<S>, css: Css<S>, name: string): string {
  return cft(css.ss, name).read!(css, tree.ctx);
}

/** Write a control file as the core would. */
export function write<S>(tree: FakeTree<S>, css: Css<S>, name: string, data: string): void {
  cft(css.ss, name).write!(css, data, tree.ctx);
}

/** The errno code `fn` throws, or 'ok'. */
export function codeOf(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (typeof code !== 'string') throw e;
    return code;
  }
}
