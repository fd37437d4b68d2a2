namespace LeakWatch.Core.Async;

/// <summary>
/// Counts async operations that began and have not ended, per operation key, from the runtime's causality events
/// (TplEventSource TraceOperationBegin / TraceOperationEnd). Counts start when tracking starts: an end without its
/// begin belongs to an operation that began earlier and is ignored. Thread-safe: events arrive on the session's
/// thread while reports are taken on another.
/// </summary>
public sealed class AsyncOperationTracker
{
    private readonly object _gate = new();
    private readonly AsyncTrackingOptions _options;
    private readonly Dictionary<long, MethodState> _pendingByTask = new();
    private readonly Dictionary<string, MethodState> _methods = new(StringComparer.Ordinal);
    private readonly Dictionary<TrackingResetReason, long> _resets = new();
    private readonly Dictionary<long, string> _keyHints = new();
    private DateTimeOffset _since;
    private long _generation;
    private long _untrackedEnds;
    private TrackingResetReason? _lastReset;

    public AsyncOperationTracker(AsyncTrackingOptions options, DateTimeOffset since)
    {
        _options = options;
        _since = since;
    }

    /// <summary>Precise keys learnt for operations whose begin has not arrived yet, kept at most (see <see cref="Reassign"/>).</summary>
    public const int MaxKeyHints = 100_000;

    /// <summary>An operation began (its first suspension). A task id seen again replaces the earlier operation.</summary>
    /// <returns>False when the tracker had to reset because it reached <see cref="AsyncTrackingOptions.MaxTrackedOperations"/>.</returns>
    public bool Began(long taskId, string key, DateTimeOffset at)
    {
        lock (_gate)
        {
            if (_pendingByTask.Count >= _options.MaxTrackedOperations && !_pendingByTask.ContainsKey(taskId))
            {
                ResetLocked(TrackingResetReason.TrackingLimit, at);
                return false;
            }

            if (_keyHints.Remove(taskId, out var hint))
            {
                key = hint;
            }

            var method = MethodLocked(key);
            if (_pendingByTask.TryGetValue(taskId, out var previous))
            {
                previous.Pending--; // task ids wrap around after 2^31; the earlier holder is long gone
            }

            _pendingByTask[taskId] = method;
            method.Pending++;
            method.Started++;
            return true;
        }
    }

    /// <summary>An operation ended (completed, cancelled or faulted).</summary>
    /// <returns>False for an end whose begin was never seen.</returns>
    public bool Ended(long taskId)
    {
        lock (_gate)
        {
            if (!_pendingByTask.Remove(taskId, out var method))
            {
                _untrackedEnds++;
                return false;
            }

            method.Pending--;
            return true;
        }
    }

    /// <summary>Whether an operation with this task id began and has not ended (a state machine's box, for example).</summary>
    public bool IsPending(long taskId)
    {
        lock (_gate)
        {
            return _pendingByTask.ContainsKey(taskId);
        }
    }

    /// <summary>
    /// An operation of <paramref name="key"/> was garbage-collected before it ended (IncompleteAsyncMethod): it can never
    /// end, so it stops counting as pending. Which of the key's task ids it was is not known.
    /// </summary>
    /// <returns>False when <paramref name="key"/> has nothing pending (try a less precise key).</returns>
    public bool Abandoned(string key)
    {
        lock (_gate)
        {
            if (_methods.TryGetValue(key, out var method) && method.Pending - method.Abandoned > 0)
            {
                method.Abandoned++;
                return true;
            }

            return false;
        }
    }

    /// <summary>
    /// IncompleteAsyncMethod: an async method was garbage-collected unfinished (dropped). It is counted as dropped under
    /// its method and, when it was counted as pending, leaves the pending count. The full name is tried first (the
    /// operation may have been told apart from a same-named one by its stack), then the bare name TraceOperationBegin uses.
    /// </summary>
    public void Dropped(string fullName, string bareName)
    {
        lock (_gate)
        {
            var method = WithPendingLocked(fullName) ?? WithPendingLocked(bareName);
            if (method is not null)
            {
                method.Abandoned++;
            }

            method ??= _methods.GetValueOrDefault(bareName) ?? MethodLocked(fullName);
            method.Dropped++;
        }
    }

    private MethodState? WithPendingLocked(string key) =>
        _methods.TryGetValue(key, out var method) && method.Pending - method.Abandoned > 0 ? method : null;

    /// <summary>
    /// Moves an operation to a more precise key (a state machine's full type name, learnt from a stack). The knowledge
    /// may come from another event stream before the begin itself: then it is kept until the begin arrives.
    /// </summary>
    public void Reassign(long taskId, string key)
    {
        lock (_gate)
        {
            if (!_pendingByTask.TryGetValue(taskId, out var current))
            {
                if (_keyHints.Count >= MaxKeyHints)
                {
                    _keyHints.Clear(); // begins that never came (their events were lost): stale
                }

                _keyHints[taskId] = key;
                return;
            }

            if (current.Key != key)
            {
                var target = MethodLocked(key);
                current.Pending--;
                current.Started--;
                target.Pending++;
                target.Started++;
                _pendingByTask[taskId] = target;
            }
        }
    }

    /// <summary>
    /// Sets the pending count of <paramref name="key"/> to an absolute figure from a heap snapshot, which also sees
    /// operations that began before tracking started. Later begins and ends move the count from there.
    /// </summary>
    public void Calibrate(string key, long absolutePending)
    {
        lock (_gate)
        {
            var method = MethodLocked(key);
            method.Offset = Math.Max(0, absolutePending - (method.Pending - method.Abandoned));
        }
    }

    /// <summary>Forgets every count and starts again; the reason is kept and reported.</summary>
    public void Reset(TrackingResetReason reason, DateTimeOffset at)
    {
        lock (_gate)
        {
            ResetLocked(reason, at);
        }
    }

    public AsyncTrackingSnapshot Snapshot()
    {
        lock (_gate)
        {
            var methods = _methods.Values
                .Select(m => new AsyncMethodCount(m.Key, Math.Max(0, m.Pending - m.Abandoned + m.Offset), m.Started, m.Dropped))
                .ToList();
            return new AsyncTrackingSnapshot(methods, _since, _generation, new Dictionary<TrackingResetReason, long>(_resets), _untrackedEnds, _lastReset);
        }
    }

    private MethodState MethodLocked(string key)
    {
        if (!_methods.TryGetValue(key, out var method))
        {
            method = new MethodState(key);
            _methods[key] = method;
        }

        return method;
    }

    private void ResetLocked(TrackingResetReason reason, DateTimeOffset at)
    {
        _pendingByTask.Clear();
        _methods.Clear();
        _keyHints.Clear();
        _since = at;
        _generation++;
        _lastReset = reason;
        _resets[reason] = _resets.GetValueOrDefault(reason) + 1;
    }

    private sealed class MethodState(string key)
    {
        public string Key { get; } = key;

        public long Pending { get; set; }

        public long Started { get; set; }

        public long Abandoned { get; set; }

        /// <summary>Collected unfinished, whether or not they were counted as pending.</summary>
        public long Dropped { get; set; }

        public long Offset { get; set; }
    }
}
