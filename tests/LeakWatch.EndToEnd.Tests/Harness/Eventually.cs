namespace LeakWatch.EndToEnd.Tests.Harness;

/// <summary>Polls until a condition holds. Timeouts are generous: machines here are noisy, and no test asserts on elapsed time.</summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    public static async Task<T> ValueAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, Func<string> describeFailure)
    {
        using var deadline = new CancellationTokenSource(timeout);
        Exception? lastError = null;
        while (!deadline.IsCancellationRequested)
        {
            try
            {
                if (await probe() is { } value)
                {
                    return value;
                }

                lastError = null; // the probe ran: an earlier error (the agent not listening yet) is not why it failed
            }
            catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
            {
                lastError = e;
            }

            try
            {
                await Task.Delay(PollInterval, deadline.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }

        throw new TimeoutException($"Gave up after {timeout.TotalSeconds} s: {describeFailure()}" + (lastError is null ? "" : $" (last error: {lastError.Message})"));
    }

    public static Task TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> describeFailure) =>
        ValueAsync<object>(async () => await condition() ? new object() : null, timeout, describeFailure);
}
