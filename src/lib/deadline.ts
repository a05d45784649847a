/** Not answered in time. For a delivery, a retryable failure (the send may still arrive: the retry is at least once). */
class DeadlineExceeded extends Error {
  readonly code = 'DEADLINE';
}

export async function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      reject(new DeadlineExceeded(`no answer within ${String(ms)} ms`));
    }, ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
