using System.Text;

namespace LeakWatch.Core.Stacks;

/// <summary>
/// Turns raw frames into the names stacks are grouped by, so that one logical wait is one group whatever tier the
/// code ran at. Tiered JIT and inlining change the raw frames of the same wait: an overload like
/// <c>ManualResetEventSlim.Wait()</c> inlined into its caller or not, <c>AsyncMethodBuilderCore.Start</c> present or
/// not, runtime helper frames in between. The rules, in order:
/// <list type="number">
/// <item>names lose their signature, generic arguments and arity (<c>List`1[[...]]</c>, <c>TaskAwaiter[System.Int32]</c>, <c>Foo&lt;T&gt;</c>);</item>
/// <item>runtime frames without a method (<c>[InlinedCallFrame]</c>, unknown) are dropped;</item>
/// <item>frames that inlining makes come and go (execution-context and thread-start plumbing, state-machine start) are dropped;</item>
/// <item>repeated consecutive frames (overloads calling each other) become one;</item>
/// <item>the innermost run of runtime blocking primitives (Monitor, SpinWait, ManualResetEventSlim, WaitHandle, ...)
/// becomes one frame: the outermost primitive of the run, the one the application called.</item>
/// </list>
/// A thread left with no frame at all is shown as <see cref="NativeFrame"/>.
/// </summary>
public static class FrameNormalizer
{
    public const string NativeFrame = "[Native]";

    /// <summary>Blocking primitives of the runtime: where a thread waits, below the code that asked to wait.</summary>
    private static readonly string[] WaitPrimitivePrefixes =
    [
        "System.Threading.Monitor.",
        "System.Threading.ManualResetEventSlim.Wait",
        "System.Threading.SpinWait.",
        "System.Threading.SemaphoreSlim.Wait",
        "System.Threading.WaitHandle.",
        "System.Threading.EventWaitHandle.",
        "System.Threading.Thread.Sleep",
        "System.Threading.Thread.SleepInternal",
        "System.Threading.Thread.Join",
        "System.Threading.Thread.SpinWait",
        "System.Threading.Thread.UninterruptibleSleep0",
        "System.Threading.LowLevelLifoSemaphore.",
        "System.Threading.LowLevelMonitor.",
        "System.Threading.LowLevelSpinWaiter.",
        "System.Threading.WaitSubsystem.",
        "System.Threading.Lock.Enter",
        "System.Threading.Lock.TryEnter",
        "System.Threading.Lock.Wait",
        "System.Threading.ReaderWriterLockSlim.",
        "System.Threading.CountdownEvent.Wait",
        "System.Threading.Barrier.SignalAndWait",
        "System.Threading.Tasks.Task.Wait",
        "System.Threading.Tasks.Task.InternalWait",
        "System.Threading.Tasks.Task.SpinThenBlockingWait",
        "System.Threading.Tasks.Task.SpinWait",
        "System.Threading.Tasks.Task.GetResultCore",
        "System.Threading.Tasks.Task.get_Result",
        "System.Runtime.CompilerServices.TaskAwaiter.",
        "System.Runtime.CompilerServices.ConfiguredTaskAwaitable",
    ];

    /// <summary>Frames present or absent depending on inlining, which say nothing about what the thread does.</summary>
    private static readonly HashSet<string> TransparentFrames = new(StringComparer.Ordinal)
    {
        "System.Threading.ExecutionContext.RunInternal",
        "System.Threading.ExecutionContext.Run",
        "System.Threading.ExecutionContext.RunFromThreadPoolDispatchLoop",
        "System.Threading.Thread+StartHelper.Run",
        "System.Threading.Thread+StartHelper.RunWorker",
        "System.Threading.Thread+StartHelper.Callback",
        "System.Threading.Thread.StartCallback",
        "System.Runtime.CompilerServices.AsyncMethodBuilderCore.Start",
        "System.Runtime.CompilerServices.AsyncTaskMethodBuilder.Start",
        "System.Runtime.CompilerServices.AsyncValueTaskMethodBuilder.Start",
        "System.Runtime.CompilerServices.AsyncVoidMethodBuilder.Start",
        "System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder.Start",
    };

    /// <summary>
    /// Separates a raw frame's name from its source location ("Orders.AckWaiter.WaitForAck\tAckWaiter.cs:42"):
    /// no method name contains a tab.
    /// </summary>
    public const char LocationSeparator = '\t';

    /// <summary>Normalises one thread's raw frames (innermost first); null or bracketed entries are runtime frames.</summary>
    public static IReadOnlyList<string> Normalize(IEnumerable<string?> rawFrames) => NormalizeWithLocations(rawFrames).Frames;

    /// <summary>
    /// As <see cref="Normalize"/>, keeping each frame's source location ("AckWaiter.cs:42", or null) from raw frames
    /// written "name\tlocation". <c>Locations</c> is null when no frame has one.
    /// </summary>
    public static (IReadOnlyList<string> Frames, IReadOnlyList<string?>? Locations) NormalizeWithLocations(IEnumerable<string?> rawFrames)
    {
        var frames = new List<string>();
        var locations = new List<string?>();
        foreach (var raw in rawFrames)
        {
            if (string.IsNullOrWhiteSpace(raw) || raw.StartsWith('['))
            {
                continue;
            }

            var separator = raw.IndexOf(LocationSeparator);
            var name = CleanName(separator < 0 ? raw : raw[..separator]);
            var location = separator < 0 ? null : raw[(separator + 1)..];
            if (name.Length == 0 || TransparentFrames.Contains(name) || (frames.Count > 0 && frames[^1] == name))
            {
                continue;
            }

            frames.Add(name);
            locations.Add(location);
        }

        CollapseInnermostWait(frames, locations);
        return frames.Count == 0
            ? ([NativeFrame], null)
            : (frames, locations.Exists(l => l is not null) ? locations : null);
    }

    /// <summary>True for a runtime blocking primitive such as <c>System.Threading.Monitor.Wait</c>.</summary>
    public static bool IsWaitPrimitive(string frame)
    {
        foreach (var prefix in WaitPrimitivePrefixes)
        {
            if (frame.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// "System.Collections.Generic.List`1[[System.Int32, System.Private.CoreLib]].Add(Int32)" → "System.Collections.Generic.List.Add";
    /// "Foo.Bar&lt;System.String&gt;.Baz&lt;T&gt;(T)" → "Foo.Bar.Baz". Compiler names such as "&lt;Main&gt;b__0_0" and "+&lt;RunAsync&gt;d__3" stay.
    /// </summary>
    public static string CleanName(string raw)
    {
        var text = raw.Trim();
        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '(':
                    // The signature: everything from here on.
                    return Finish(builder);
                case '`':
                    while (i + 1 < text.Length && char.IsAsciiDigit(text[i + 1]))
                    {
                        i++;
                    }

                    break;
                case '[' when builder.Length > 0:
                    // Generic arguments as ClrMD ("List`1[[System.Int32, ...]]") and the runtime's rundown ("TaskAwaiter[System.Int32]") write them, or an array.
                    i = SkipBalanced(text, i, '[', ']');
                    break;
                case '<' when builder.Length > 0 && IsNamePart(builder[^1]):
                    i = SkipBalanced(text, i, '<', '>');
                    break;
                default:
                    builder.Append(c);
                    break;
            }
        }

        return Finish(builder);
    }

    private static string Finish(StringBuilder builder) => builder.ToString().Trim();

    private static bool IsNamePart(char c) => char.IsLetterOrDigit(c) || c == '_' || c == '>';

    private static int SkipBalanced(string text, int start, char open, char close)
    {
        var depth = 0;
        for (var i = start; i < text.Length; i++)
        {
            if (text[i] == open)
            {
                depth++;
            }
            else if (text[i] == close && --depth == 0)
            {
                return i;
            }
        }

        return text.Length - 1;
    }

    private static void CollapseInnermostWait(List<string> frames, List<string?> locations)
    {
        var run = 0;
        while (run < frames.Count && IsWaitPrimitive(frames[run]))
        {
            run++;
        }

        if (run > 1)
        {
            frames.RemoveRange(0, run - 1);
            locations.RemoveRange(0, run - 1);
        }
    }
}
