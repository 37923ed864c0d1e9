using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Google.Protobuf;
using WaCluster.Contracts.Management;

namespace WaCluster.Cli;

/// <summary>HTTP client of one node's management endpoint; maps every failure to a <see cref="CliException"/>.</summary>
public sealed partial class ManagementClient(HttpClient http) : IDisposable
{
    private static readonly JsonFormatter Formatter = JsonFormatter.Default;
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));

    public static ManagementClient Create(string endpoint, string token, TimeSpan timeout, HttpMessageHandler? handler = null)
    {
        var http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        http.BaseAddress = new Uri(endpoint.Contains("://", StringComparison.Ordinal) ? endpoint : "http://" + endpoint);
        http.Timeout = timeout;
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return new ManagementClient(http);
    }

    public Task<T> GetAsync<T>(string path) where T : class, IMessage<T>, new() => SendAsync<T>(HttpMethod.Get, path, null);

    public Task<T> PostAsync<T>(string path, IMessage? body) where T : class, IMessage<T>, new() => SendAsync<T>(HttpMethod.Post, path, body);

    public void Dispose() => http.Dispose();

    private async Task<T> SendAsync<T>(HttpMethod method, string path, IMessage? body) where T : class, IMessage<T>, new()
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(Formatter.Format(body), Encoding.UTF8, "application/json");
        }
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request);
        }
        catch (HttpRequestException e) when (e.InnerException is SocketException || e.HttpRequestError == HttpRequestError.ConnectionError)
        {
            throw new CliException(ExitCodes.Unreachable, $"node {http.BaseAddress} is unreachable: {e.Message}");
        }
        catch (TaskCanceledException)
        {
            throw new CliException(ExitCodes.Unreachable, $"node {http.BaseAddress} did not answer within {http.Timeout.TotalSeconds:0}s");
        }
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            if (response.IsSuccessStatusCode)
            {
                return Parse<T>(text);
            }
            throw FailureOf(response.StatusCode, text);
        }
    }

    private static T Parse<T>(string text) where T : class, IMessage<T>, new() =>
        TryParse<T>(text) ?? throw new CliException(ExitCodes.Failed, "the node answered something that is not a management reply");

    private static T? TryParse<T>(string text) where T : class, IMessage<T>, new()
    {
        try
        {
            return Parser.Parse<T>(text);
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or InvalidJsonException)
        {
            return null;
        }
    }
}
