using LeakWatch.Agent.Export;
using LeakWatch.Agent.Snapshots;
using LeakWatch.Agent.Tests.Support;
using LeakWatch.Core;
using static LeakWatch.Agent.Tests.Support.Fakes;

namespace LeakWatch.Agent.Tests.Snapshots;

/// <summary>
/// The recorder around scripted snapshots: spacing of triggered snapshots, what they are compared with, the files
/// written and pruned, the series. Taking a snapshot of a live target (ClrMD, pause, capture route) is end-to-end's.
/// </summary>
public sealed class SnapshotRecorderTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"leakwatch-recorder-{Guid.NewGuid():N}");
    private readonly ManualTime _time = new();

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Theory]
    [InlineData("", "thread-leak", "snapshot-20261124T030000000Z-pid4242-thread-leak")]
    [InlineData("3f2a9c01d4e5f60718293a4b5c6d7e8f", "thread-leak", "snapshot-20261124T030000000Z-pid4242-3f2a9c01-thread-leak")]
    [InlineData("", "my rule/../x", "snapshot-20261124T030000000Z-pid4242-my-rule----x")]
    public void File_names_sort_by_time_and_tell_pid_1_apps_of_one_pod_apart(string runtimeInstance, string reason, string expected)
    {
        var snapshot = FakeIncidents.Snapshot(Orders, waiters: 1, new DateTimeOffset(2026, 11, 24, 3, 0, 0, TimeSpan.Zero)) with { Pid = 4242 };

        Assert.Equal(expected, SnapshotRecorder.FileStem(snapshot, runtimeInstance, reason));
    }

    public static TheoryData<string, string[], bool[]> Spacing => new()
    {
        // name, steps ("+Ns" advances the clock, then a reason: a rule name, "baseline" or "manual"), taken or skipped
        { "two triggers 10 s apart: the second is skipped", ["thread-leak", "+10s", "task-leak"], [true, false] },
        { "30 s apart: both are taken", ["thread-leak", "+30s", "task-leak"], [true, true] },
        { "a baseline does not cost the first trigger its snapshot", ["baseline", "+1s", "thread-leak"], [true, true] },
        { "a manual snapshot does not either", ["manual", "+1s", "thread-leak"], [true, true] },
        { "a skipped trigger does not move the spacing", ["thread-leak", "+20s", "task-leak", "+10s", "fd-leak"], [true, false, true] },
    };

    [Theory]
    [MemberData(nameof(Spacing))]
    public async Task Triggered_snapshots_are_spaced_by_the_minimum_interval(string name, string[] steps, bool[] taken)
    {
        using var recorder = Recorder(new SnapshotRecorderOptions { MinInterval = TimeSpan.FromSeconds(30) }, out _);

        var results = new List<bool>();
        foreach (var step in steps)
        {
            if (step.StartsWith('+'))
            {
                _time.Advance(TimeSpan.FromSeconds(int.Parse(step[1..^1], System.Globalization.CultureInfo.InvariantCulture)));
                continue;
            }

            var summary = await Take(recorder, step);
            results.Add(summary!.Snapshot is not null);
            if (summary.Snapshot is null)
            {
                Assert.Equal([$"Snapshot for {step} skipped: {summary.SkippedBecause}."], summary.Lines);
            }
        }

        Assert.True(taken.SequenceEqual(results), $"{name}: taken {string.Join(", ", results)}");
    }

    [Fact]
    public async Task A_triggered_snapshot_is_compared_with_the_baseline_and_says_what_grew()
    {
        using var recorder = Recorder(new SnapshotRecorderOptions(), out var snapshots);
        snapshots.Waiters = 10;
        await recorder.TakeBaselineAsync(Orders, CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(1));
        snapshots.Waiters = 50;

        var summary = await recorder.OnTriggerAsync(Orders, "thread-leak", CancellationToken.None);

        Assert.Equal(ManualTime.Start, summary.ComparedWith);
        Assert.Equal("Snapshot (thread-leak): 51 threads, 50 pending tasks, target paused 0 ms", summary.Lines[0]);
        Assert.Equal("  +40 threads in Orders.AckWaiter.WaitForAck (now 50) since 19:40:00Z", summary.Lines[1]);
    }

    [Fact]
    public async Task A_forgotten_target_is_compared_with_nothing_and_a_partial_snapshot_is_never_the_comparison()
    {
        using var recorder = Recorder(new SnapshotRecorderOptions { MinInterval = TimeSpan.Zero }, out var snapshots);
        await recorder.TakeBaselineAsync(Orders, CancellationToken.None);
        snapshots.Partial = true;
        snapshots.Waiters = 5;
        _time.Advance(TimeSpan.FromSeconds(1));

        var partial = await recorder.OnTriggerAsync(Orders, "thread-leak", CancellationToken.None);
        snapshots.Partial = false;
        snapshots.Waiters = 30;
        _time.Advance(TimeSpan.FromSeconds(1));
        var complete = await recorder.OnTriggerAsync(Orders, "thread-leak", CancellationToken.None);
        recorder.ForgetTarget(Orders);
        var afterForget = await recorder.OnTriggerAsync(Orders, "thread-leak", CancellationToken.None);

        Assert.Contains("PARTIAL (pause budget spent)", partial.Lines[0], StringComparison.Ordinal);
        Assert.Equal(ManualTime.Start, complete.ComparedWith); // the baseline, not the partial one
        Assert.Contains("+20 threads in Orders.AckWaiter.WaitForAck (now 30)", complete.Lines[1], StringComparison.Ordinal);
        Assert.Null(afterForget.ComparedWith);
        Assert.EndsWith("since attach (no earlier snapshot)", afterForget.Lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_snapshot_writes_json_text_and_folded_files_and_the_oldest_are_pruned()
    {
        var notOurs = Path.Combine(_directory, "notes.txt");
        Directory.CreateDirectory(_directory);
        await File.WriteAllTextAsync(notOurs, "kept");
        using var recorder = Recorder(new SnapshotRecorderOptions { Directory = _directory, KeepCount = 2, MinInterval = TimeSpan.Zero }, out _);

        var summaries = new List<SnapshotSummary>();
        for (var i = 0; i < 3; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            summaries.Add(await recorder.OnTriggerAsync(Orders, "thread-leak", CancellationToken.None));
        }

        var first = summaries[0].Files;
        Assert.Equal([".json", ".txt", ".folded"], first.Select(Path.GetExtension));
        Assert.All(first, f => Assert.StartsWith("snapshot-20261124T19400", Path.GetFileName(f), StringComparison.Ordinal));
        Assert.All(first, f => Assert.EndsWith("-pid1804-thread-leak" + Path.GetExtension(f), f, StringComparison.Ordinal));
        Assert.All(first, f => Assert.False(File.Exists(f), $"{f} was not pruned"));
        Assert.All(summaries[1].Files.Concat(summaries[2].Files), f => Assert.True(File.Exists(f), $"{f} is missing"));
        Assert.True(File.Exists(notOurs), "retention deleted a file leakwatch did not write");
        Assert.StartsWith("Grew since the snapshot at 2026-11-24T19:40:02Z:", await File.ReadAllTextAsync(summaries[2].Files[1]), StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_directory, SnapshotFiles.PartialPrefix + "*"));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(summaries[2].Files[0]));
        }
    }

    [Fact]
    public async Task A_snapshot_that_cannot_be_written_is_one_error_and_the_next_trigger_is_not_skipped_for_it()
    {
        var blocker = Path.Combine(Path.GetTempPath(), $"leakwatch-recorder-file-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(blocker, "a file where the directory should be");
        try
        {
            using var recorder = Recorder(new SnapshotRecorderOptions { Directory = Path.Combine(blocker, "snapshots") }, out var snapshots);

            var error = await Assert.ThrowsAsync<LeakWatchException>(() => recorder.OnTriggerAsync(Orders, "thread-leak", CancellationToken.None));
            var again = await Record.ExceptionAsync(() => recorder.OnTriggerAsync(Orders, "task-leak", CancellationToken.None));

            Assert.Equal(ExitCode.InvalidConfiguration, error.ExitCode);
            Assert.StartsWith($"Cannot write snapshots to {blocker}", error.Message, StringComparison.Ordinal);
            Assert.IsType<LeakWatchException>(again); // tried again (and failed again), not skipped as too soon
            Assert.Equal(2, snapshots.Calls.Count);
        }
        finally
        {
            File.Delete(blocker);
        }
    }

    [Fact]
    public async Task Snapshot_series_carry_the_target_labels_and_leave_with_the_target()
    {
        var exporter = new PrometheusExporter(Fakes.PidModeLabels(new Dictionary<string, string> { ["team"] = "payments" }), new AgentHealth());
        using var recorder = new SnapshotRecorder(new ScriptedSnapshots(_time), new SnapshotRecorderOptions(), exporter.Registry, Fakes.PidModeLabels(new Dictionary<string, string> { ["team"] = "payments" }), _time);

        await recorder.OnTriggerAsync(Orders, "thread-leak", CancellationToken.None);
        var before = SampleLines(await ExpositionAsync(exporter));
        recorder.ForgetTarget(Orders);
        var after = SampleLines(await ExpositionAsync(exporter));

        Assert.Contains("leakwatch_snapshots_total{pid=\"1804\",process_name=\"Orders\",team=\"payments\",reason=\"thread-leak\"} 1", before);
        Assert.Contains(before, l => l.StartsWith("leakwatch_threads_by_stack{pid=\"1804\"", StringComparison.Ordinal));
        Assert.DoesNotContain(after, l => l.Contains("pid=\"1804\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_manual_snapshot_is_refused_at_once_while_another_runs()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var recorder = new SnapshotRecorder(new GatedSnapshots(gate.Task, _time), new SnapshotRecorderOptions(), null, Fakes.PidModeLabels(), _time);

        var running = recorder.OnTriggerAsync(Orders, "thread-leak", CancellationToken.None);
        var manual = await recorder.TryTakeManualAsync(Orders, CancellationToken.None);
        gate.SetResult();
        await running;

        Assert.Null(manual);
        Assert.NotNull(await recorder.TryTakeManualAsync(Orders, CancellationToken.None));
    }

    private SnapshotRecorder Recorder(SnapshotRecorderOptions options, out ScriptedSnapshots snapshots)
    {
        snapshots = new ScriptedSnapshots(_time);
        return new SnapshotRecorder(snapshots, options, null, Fakes.PidModeLabels(), _time);
    }

    private static async Task<SnapshotSummary?> Take(SnapshotRecorder recorder, string reason) => reason switch
    {
        SnapshotRecorder.BaselineReason => await recorder.TakeBaselineAsync(Orders, CancellationToken.None),
        SnapshotRecorder.ManualReason => await recorder.TryTakeManualAsync(Orders, CancellationToken.None),
        _ => await recorder.OnTriggerAsync(Orders, reason, CancellationToken.None),
    };

    /// <summary>A snapshot that takes until the test opens the gate.</summary>
    private sealed class GatedSnapshots(Task gate, TimeProvider time) : ISnapshotTaker
    {
        public async Task<Core.Stacks.StackSnapshot> TakeAsync(LeakWatch.Agent.Targets.TargetProcess target, SnapshotOptions options, CancellationToken cancellation)
        {
            await gate.WaitAsync(cancellation);
            return FakeIncidents.Snapshot(target, 1, time.GetUtcNow());
        }
    }
}
