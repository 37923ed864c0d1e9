namespace WaCluster.Cli;

/// <summary>Plain aligned columns for people; scripts use --json instead.</summary>
public static class TextTable
{
    public static void Write(TextWriter output, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        var all = rows.ToList();
        var widths = headers.Select((header, column) =>
            all.Select(row => row[column].Length).Append(header.Length).Max()).ToArray();
        WriteRow(output, headers, widths);
        WriteRow(output, widths.Select(width => new string('-', width)).ToList(), widths);
        foreach (var row in all)
        {
            WriteRow(output, row, widths);
        }
    }

    private static void WriteRow(TextWriter output, IReadOnlyList<string> cells, int[] widths) =>
        output.WriteLine(string.Join("  ", cells.Select((cell, column) => cell.PadRight(widths[column]))).TrimEnd());
}
