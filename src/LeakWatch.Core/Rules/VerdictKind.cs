namespace LeakWatch.Core.Rules;

public enum VerdictKind
{
    /// <summary>The condition has held long enough: a leak is suspected from now on. Actions run on this one.</summary>
    Fired,

    /// <summary>Still suspected (condition holds, or has not been false long enough to clear).</summary>
    Holding,

    /// <summary>The condition has been false for the rule's <c>for</c>: no longer suspected.</summary>
    Cleared,
}
