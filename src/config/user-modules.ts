/**
 * A project's own code, named by the environment so one recipe serves its worker and its clients:
 * `HARNESS_WORKFLOWS`, a module of `defineWorkflow`s (the worker bundles it; clients read its
 * declarations to check a start's input and replay its closed runs), and `HARNESS_TOOLS`, a module
 * of `implementTool`s (the worker registers them). Both are built JavaScript (or anything Node loads).
 */
import path from 'node:path';
import type { ToolImplementation } from '../activities/define-tool-activity';
import type { DeclaredWorkflow } from '../workflows/kernel/define-workflow';
import { ConfigError } from './config-error';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDeclaredWorkflow = DeclaredWorkflow<any, unknown>;

function load(file: string, setting: string): Record<string, unknown> {
  const resolved = path.resolve(file);
  try {
    return require(resolved) as Record<string, unknown>;
  } catch (err) {
    throw new ConfigError(`${setting}: ${resolved} could not be loaded: ${(err as Error).message.split('\n')[0]}`);
  }
}

const isDeclaredWorkflow = (value: unknown): value is AnyDeclaredWorkflow =>
  typeof value === 'function' && 'declaration' in value && 'tools' in value;

const isImplementation = (value: unknown): value is ToolImplementation =>
  !!value && typeof value === 'object' && 'tool' in value && 'activity' in value && typeof value.activity === 'function';

/** The module's exports that are workflows (every exported function is one, to Temporal), and the declared ones among them. */
export function workflowsModule(
  file: string,
  setting = 'HARNESS_WORKFLOWS',
): { types: string[]; declared: Map<string, AnyDeclaredWorkflow> } {
  const exported = load(file, setting);
  const types = Object.keys(exported).filter((key) => typeof exported[key] === 'function');
  if (!types.length) throw new ConfigError(`${setting}: ${path.resolve(file)} exports no workflow`);
  const declared = new Map<string, AnyDeclaredWorkflow>();
  for (const type of types) {
    const workflow = exported[type];
    if (isDeclaredWorkflow(workflow)) declared.set(type, workflow);
  }
  return { types, declared };
}

/** Every tool implementation the module exports (alone or in arrays). */
export function toolsModule(file: string, setting = 'HARNESS_TOOLS'): ToolImplementation[] {
  const exported = load(file, setting);
  const implementations = Object.values(exported)
    .flatMap((value) => (Array.isArray(value) ? value : [value]))
    .filter(isImplementation);
  if (!implementations.length) throw new ConfigError(`${setting}: ${path.resolve(file)} exports no implementTool(...)`);
  return implementations;
}

/** The declared workflow `name` of the environment's workflows module, or one line saying why not. */
export function declaredWorkflow(env: { HARNESS_WORKFLOWS?: string }, name: string): AnyDeclaredWorkflow {
  if (!env.HARNESS_WORKFLOWS) throw new ConfigError(`--workflow ${name}: set HARNESS_WORKFLOWS to the module that exports it`);
  const { declared } = workflowsModule(env.HARNESS_WORKFLOWS);
  const workflow = declared.get(name);
  if (!workflow)
    throw new ConfigError(
      `--workflow ${name}: ${path.resolve(env.HARNESS_WORKFLOWS)} declares ${[...declared.keys()].join(', ') || 'no workflow with defineWorkflow'}`,
    );
  return workflow;
}
