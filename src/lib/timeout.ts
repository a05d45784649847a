import type { PipelinePolicy } from '@azure/core-rest-pipeline';

/** An Azure SDK pipeline policy that gives each HTTP attempt at most `ms` to be answered. */
export function timeoutPolicy(name: string, ms: number): PipelinePolicy {
  return {
    name,
    sendRequest: (request, next) => {
      request.timeout = ms;
      return next(request);
    },
  };
}
