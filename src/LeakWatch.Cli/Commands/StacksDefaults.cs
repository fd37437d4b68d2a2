namespace LeakWatch.Cli.Commands;

/// <summary>Defaults of <c>leakwatch stacks</c>.</summary>
internal static class StacksDefaults
{
    /// <summary>Groups of each kind a text report shows: a screenful.</summary>
    public const int TextTop = 10;
}
