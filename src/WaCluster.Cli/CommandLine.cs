namespace WaCluster.Cli;

/// <summary>What one invocation asks for: the node, the token, the output form and the command words.</summary>
public sealed record CommandLine(string Endpoint, string? Token, bool Json, IReadOnlyList<string> Words)
{
    public const string DefaultEndpoint = "127.0.0.1:9110";
    public const string TokenVariable = "WACLUSTER_TOKEN";

    private static readonly HashSet<string> Groups = ["cluster", "shards", "accounts", "log", "help", "exit", "quit"];

    /// <summary>
    /// pbm style: <c>wacluster [host:port] [--token T] [--json] group command args...</c>; options may come anywhere.
    /// </summary>
    public static CommandLine Parse(IReadOnlyList<string> args, string? environmentToken)
    {
        string? endpoint = null;
        var token = environmentToken;
        var json = false;
        var words = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--json":
                    json = true;
                    break;
                case "--token":
                    token = i + 1 < args.Count ? args[++i] : throw new CliException(ExitCodes.Usage, "--token needs a value");
                    break;
                case var word when word.StartsWith("--token=", StringComparison.Ordinal):
                    token = word["--token=".Length..];
                    break;
                case var word when words.Count == 0 && endpoint is null && !Groups.Contains(word):
                    endpoint = word;
                    break;
                default:
                    words.Add(args[i]);
                    break;
            }
        }
        return new CommandLine(endpoint ?? DefaultEndpoint, token, json, words);
    }

    /// <summary>Splits a line typed at the prompt into words; double quotes group words with spaces.</summary>
    public static List<string> SplitLine(string line)
    {
        var words = new List<string>();
        var current = new System.Text.StringBuilder();
        var quoted = false;
        var inWord = false;
        foreach (var c in line)
        {
            if (c == '"')
            {
                quoted = !quoted;
                inWord = true;
            }
            else if (char.IsWhiteSpace(c) && !quoted)
            {
                if (inWord)
                {
                    words.Add(current.ToString());
                    current.Clear();
                    inWord = false;
                }
            }
            else
            {
                current.Append(c);
                inWord = true;
            }
        }
        if (quoted)
        {
            throw new CliException(ExitCodes.Usage, "unterminated quote");
        }
        if (inWord)
        {
            words.Add(current.ToString());
        }
        return words;
    }
}
