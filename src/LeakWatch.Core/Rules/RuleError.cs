namespace LeakWatch.Core.Rules;

/// <summary>One problem with one field of one rule, phrased for a one-line error message.</summary>
public sealed record RuleError(string Rule, string Field, string Problem)
{
    public override string ToString() => $"rule '{Rule}': field '{Field}' {Problem}";
}
