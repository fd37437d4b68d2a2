namespace LeakWatch.Core.Async;

/// <summary>What kind of C# code a compiler-generated async state machine was made from.</summary>
public enum StateMachineKind
{
    /// <summary>An ordinary async method or async iterator: <c>&lt;ChargeAsync&gt;d__3</c>.</summary>
    Method,

    /// <summary>An async lambda or anonymous method: <c>&lt;&lt;Main&gt;b__0_0&gt;d</c>.</summary>
    Lambda,

    /// <summary>An async local function: <c>&lt;&lt;Outer&gt;g__Local|0_0&gt;d</c>.</summary>
    LocalFunction,
}
