using System.Globalization;
using System.Text.Json;

namespace WaCluster.Cli;

/// <summary><c>log tail [--follow] [--level L] [--account id] [--lines N]</c>: the node's recent log lines, as text or JSON lines.</summary>
public static class LogTail
{
    public static async Task RunAsync(ManagementClient client, TextWriter output, bool json, IReadOnlyList<string> options)
    {
        var query = new List<string>();
        for (var i = 0; i < options.Count; i++)
        {
            switch (options[i])
            {
                case "--follow" or "-f":
                    query.Add("follow=true");
                    break;
                case "--level" or "--account" or "--lines" when i + 1 < options.Count:
                    query.Add($"{options[i][2..]}={Uri.EscapeDataString(options[++i])}");
                    break;
                default:
                    throw new CliException(ExitCodes.Usage, $"log tail: unexpected '{options[i]}' (--follow, --level L, --account id, --lines N)");
            }
        }
        var path = "/v1/logs" + (query.Count > 0 ? "?" + string.Join('&', query) : "");
        await foreach (var line in client.GetLinesAsync(path))
        {
            await output.WriteLineAsync(json ? line : Format(line));
            await output.FlushAsync();
        }
    }

    private static string Format(string jsonLine)
    {
        using var document = JsonDocument.Parse(jsonLine);
        var line = document.RootElement;
        var time = line.GetProperty("timestamp").GetDateTimeOffset().UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture);
        var level = line.GetProperty("level").GetString()!.ToUpperInvariant();
        var account = line.GetProperty("account").GetString() is { } id ? $"[{id}] " : "";
        return $"{time} {level,-11} {account}{line.GetProperty("source").GetString()}: {line.GetProperty("message").GetString()}";
    }
}
