namespace LeakWatch.Core.Stacks;

/// <summary>Tells the framework's types from the app's in a heap histogram, by the namespace of the type itself.</summary>
public static class HeapTypeNames
{
    private static readonly string[] FrameworkPrefixes = ["System.", "Microsoft.", "Internal.", "Interop+", "Interop."];

    /// <summary>
    /// True for the runtime's and the framework's types (<c>System.Decimal[]</c>, <c>System.String</c>,
    /// <c>System.Collections.Generic.List&lt;Orders.Line&gt;</c>, the GC's <c>Free</c> blocks); false for the app's
    /// (<c>Orders.PriceSubscriber</c>, <c>Orders.Line[]</c>). Arrays are judged by their element type; generics by
    /// the generic type, since that is the object that holds the memory.
    /// </summary>
    public static bool IsFramework(string type)
    {
        var name = type;
        while (name.EndsWith(']'))
        {
            var open = name.LastIndexOf('[');
            if (open <= 0)
            {
                break;
            }

            name = name[..open];
        }

        return name == "Free" || name.Length == 0 || FrameworkPrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal));
    }
}
