namespace WaCluster.Cli;

/// <summary>The CLI's entry point, with its streams passed in so that tests run it in-process.</summary>
public static class CliApp
{
    // Longer than the node's own waits (requests 10 s, QR 30 s), so that the node reports its timeouts itself.
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(60);

    public static async Task<int> RunAsync(
        string[] args, TextReader input, TextWriter output, TextWriter error,
        string? environmentToken = null, HttpMessageHandler? handler = null)
    {
        try
        {
            var line = CommandLine.Parse(args, environmentToken ?? Environment.GetEnvironmentVariable(CommandLine.TokenVariable));
            if (line.Token is not { Length: > 0 } token)
            {
                throw new CliException(ExitCodes.Usage, $"no token: pass --token or set {CommandLine.TokenVariable}");
            }
            using var client = ManagementClient.Create(line.Endpoint, token, RequestTimeout, handler);
            var commands = new Commands(client, output, line.Json);
            if (line.Words.Count == 0)
            {
                await PromptAsync(commands, line.Endpoint, input, output, error);
                return ExitCodes.Ok;
            }
            await commands.RunAsync(line.Words);
            return ExitCodes.Ok;
        }
        catch (CliException e)
        {
            await error.WriteLineAsync($"error: {e.Message}");
            return e.ExitCode;
        }
        catch (UriFormatException e)
        {
            await error.WriteLineAsync($"error: bad node address: {e.Message}");
            return ExitCodes.Usage;
        }
    }

    /// <summary>Reads commands line by line until end of input or exit; a failed command does not end the prompt.</summary>
    private static async Task PromptAsync(Commands commands, string endpoint, TextReader input, TextWriter output, TextWriter error)
    {
        while (true)
        {
            await output.WriteAsync($"wacluster {endpoint}> ");
            await output.FlushAsync();
            var text = await input.ReadLineAsync();
            if (text is null)
            {
                return;
            }
            try
            {
                var words = CommandLine.SplitLine(text);
                if (words is ["exit"] or ["quit"])
                {
                    return;
                }
                if (words.Count > 0)
                {
                    await commands.RunAsync(words);
                }
            }
            catch (CliException e)
            {
                await error.WriteLineAsync($"error: {e.Message}");
            }
        }
    }
}
