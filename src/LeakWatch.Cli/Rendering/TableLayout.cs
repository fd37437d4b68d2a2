namespace LeakWatch.Cli.Rendering;

/// <summary>How much a row matters when the terminal is too small for all of them; lower stays longer.</summary>
internal enum RowPriority
{
    Header = 0,
    Suspicion = 1,
    LeakSignal = 2,
    TopPendingAsync = 3,
    Rest = 4,
}

internal readonly record struct TableRow(RowPriority Priority, string Text);

/// <summary>
/// Fits a frame into a terminal of a given size: rows are dropped from the least important up (the rest of the
/// series, then the pending-async tail, then the leak signals), never the header, and the frame is kept one line
/// shorter than the screen so the cursor line after it does not scroll the header away. Lines are cut to the width
/// so none wraps (a wrapped line would throw the in-place redraw off).
/// </summary>
internal static class TableLayout
{
    public static IReadOnlyList<string> Fit(IReadOnlyList<TableRow> rows, string footer, int width, int height)
    {
        var budget = Math.Max(1, height - 2); // the footer and the cursor line
        var kept = new bool[rows.Count];
        var order = Enumerable.Range(0, rows.Count).OrderBy(i => rows[i].Priority).ThenBy(i => i).ToList();
        var fits = Math.Min(budget, rows.Count);
        if (fits < rows.Count)
        {
            fits = Math.Max(0, budget - 1); // room for the line that says what is hidden
        }

        foreach (var index in order.Take(fits))
        {
            kept[index] = true;
        }

        var lines = new List<string>(budget + 1);
        for (var i = 0; i < rows.Count; i++)
        {
            if (kept[i])
            {
                lines.Add(Cut(rows[i].Text, width));
            }
        }

        var hidden = rows.Count - lines.Count;
        if (hidden > 0)
        {
            lines.Add(Cut($"  … {hidden} more rows (a taller terminal shows them)", width));
        }

        lines.Add(Cut(footer, width));
        return lines;
    }

    /// <summary>Cuts to <paramref name="width"/> − 1 visible characters (ANSI styling does not count), so no line wraps.</summary>
    public static string Cut(string text, int width)
    {
        var room = Math.Max(10, width - 1);
        var visible = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\u001b')
            {
                var end = text.IndexOf('m', i);
                i = end < 0 ? text.Length : end;
                continue;
            }

            if (++visible > room)
            {
                return string.Concat(text.AsSpan(0, i - 1), "…\u001b[0m");
            }
        }

        return text;
    }
}
