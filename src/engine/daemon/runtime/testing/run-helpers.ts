/** Helpers of the runtime's tests: run a container to its end, gather output, poll for a condition. */
import type { ContainerState } from '../container-table.js';
import type { Runtime } from '../runtime.js';
import type { RuntimeSpec } from '../runtime-spec.js';

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  state: ContainerState;
}

/** Creates, starts and waits for a container; returns its exit code, logs and final state. */
export async function runToExit(runtime: Runtime, spec: RuntimeSpec): Promise<RunResult> {
  await runtime.create(spec);
  await runtime.start(spec.id);
  const exit = await runtime.wait(spec.id);
  const { stdout, stderr } = await collectLogs(runtime.logs(spec.id));
  return { exitCode: exit.exitCode, stdout, stderr, state: runtime.state(spec.id) };
}

/** Concatenates output chunks by stream. */
export async function collectLogs(
  chunks: AsyncIterable<{ stream: 'stdout' | 'stderr'; data: Buffer }>,
): Promise<{ stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  for await (const chunk of chunks) {
    if (chunk.stream === 'stdout') stdout += chunk.data.toString();
    else stderr += chunk.data.toString();
  }
  return { stdout, stderr };
}

/** Calls `probe` until `done` accepts its value (every 50 ms, at most `tries` times). */
export async function waitUntil<T>(
  probe: () => Promise<T> | T,
  done: (value: T) => boolean,
  tries = 200,
): Promise<T> {
  let value = await probe();
  for (let i = 1; i < tries && !done(value); i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    value = await probe();
  }
  if (!done(value)) throw new Error(`condition not reached; last value: ${JSON.stringify(value)}`);
  return value;
}
