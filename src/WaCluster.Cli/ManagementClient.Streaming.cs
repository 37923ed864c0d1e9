using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace WaCluster.Cli;

public sealed partial class ManagementClient
{
    /// <summary>
    /// Reads a reply of JSON lines as they arrive; a follow stream ends only when the node closes it (or the
    /// <paramref name="cancellationToken"/> fires).
    /// </summary>
    public async IAsyncEnumerable<string> GetLinesAsync(string path, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException e) when (e.InnerException is SocketException || e.HttpRequestError == HttpRequestError.ConnectionError)
        {
            throw new CliException(ExitCodes.Unreachable, $"node {http.BaseAddress} is unreachable: {e.Message}");
        }
        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw FailureOf(response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
            }
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
            while (true)
            {
                string? line;
                try
                {
                    line = await reader.ReadLineAsync(cancellationToken);
                }
                catch (Exception e) when (e is IOException or HttpRequestException)
                {
                    // The node went away mid-stream (e.g. it stopped): what was printed stands.
                    yield break;
                }
                if (line is null)
                {
                    yield break;
                }
                if (line.Length > 0)
                {
                    yield return line;
                }
            }
        }
    }

    /// <summary>The CLI error for a refused request: status code to exit code, with the node's message.</summary>
    private static CliException FailureOf(HttpStatusCode status, string body)
    {
        var error = TryParse<WaCluster.Contracts.Management.ManagementError>(body);
        var detail = error?.Message is { Length: > 0 } message ? message : $"HTTP {(int)status}";
        return status switch
        {
            HttpStatusCode.Unauthorized => new CliException(ExitCodes.Unauthorized, $"the node refused the token: {detail}"),
            HttpStatusCode.NotFound => new CliException(ExitCodes.NotFound, detail),
            HttpStatusCode.Conflict => new CliException(ExitCodes.Rejected, detail),
            HttpStatusCode.BadRequest => new CliException(ExitCodes.Usage, detail),
            HttpStatusCode.GatewayTimeout => new CliException(ExitCodes.Timeout, detail),
            _ => new CliException(ExitCodes.Failed, detail),
        };
    }
}
