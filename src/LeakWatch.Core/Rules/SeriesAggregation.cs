namespace LeakWatch.Core.Rules;

/// <summary>How a rule treats the labelled series of one family.</summary>
public enum SeriesAggregation
{
    /// <summary>Every label set is its own series with its own verdict.</summary>
    None,

    /// <summary>One series per process: the sum over every label set (pending operations over methods, heap over generations).</summary>
    Sum,
}
