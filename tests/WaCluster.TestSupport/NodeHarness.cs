using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace WaCluster.TestSupport;

/// <summary>
/// A running <c>tests/interop/harness.mjs</c>: calls ops of the Node peers (Baileys, libsignal) by name
/// over a line-oriented JSON channel. Bytes travel as base64 strings.
/// </summary>
public sealed class NodeHarness : IAsyncDisposable
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly ConcurrentDictionary<long, TaskCompletionSource<JsonNode?>> _pending = new();
    private readonly StringBuilder _stderr = new();
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _nextId;

    private NodeHarness(Process process)
    {
        _process = process;
    }

    /// <summary>Starts the harness and waits until it has loaded every handler.</summary>
    public static async Task<NodeHarness> StartAsync()
    {
        var dir = RepositoryPaths.Interop;
        if (!Directory.Exists(Path.Combine(dir, "node_modules", "baileys")))
        {
            throw new InvalidOperationException(
                $"Node packages are missing in {dir}: run 'dotnet pwsh build.ps1 test' (it runs npm ci) or 'npm ci' there.");
        }
        var start = new ProcessStartInfo("node", "harness.mjs")
        {
            WorkingDirectory = dir,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = Encoding.UTF8,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        var harness = new NodeHarness(process);
        harness.Listen();
        var finished = await Task.WhenAny(harness._ready.Task, Task.Delay(DefaultTimeout));
        if (finished != harness._ready.Task)
        {
            await harness.DisposeAsync();
            throw new TimeoutException($"interop harness did not start: {harness.StandardError}");
        }
        await harness._ready.Task;
        return harness;
    }

    /// <summary>What the Node side wrote to stderr so far (its logs), for failure messages.</summary>
    public string StandardError
    {
        get { lock (_stderr) { return _stderr.ToString(); } }
    }

    public async Task<JsonNode?> CallAsync(string op, object? args = null, TimeSpan? timeout = null)
    {
        var id = Interlocked.Increment(ref _nextId);
        var completion = new TaskCompletionSource<JsonNode?>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = completion;
        var line = JsonSerializer.Serialize(new { id, op, args });
        await _writeLock.WaitAsync();
        try
        {
            await _process.StandardInput.WriteLineAsync(line);
            await _process.StandardInput.FlushAsync();
        }
        finally
        {
            _writeLock.Release();
        }
        var limit = timeout ?? DefaultTimeout;
        var finished = await Task.WhenAny(completion.Task, Task.Delay(limit));
        if (finished != completion.Task)
        {
            _pending.TryRemove(id, out _);
            throw new TimeoutException($"interop op {op} did not answer within {limit}");
        }
        return await completion.Task;
    }

    public async Task<T> CallAsync<T>(string op, object? args = null, TimeSpan? timeout = null)
    {
        var result = await CallAsync(op, args, timeout);
        return result.Deserialize<T>(JsonOptions)!;
    }

    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    private void Listen()
    {
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (_stderr)
            {
                // Keep the tail only: a chatty peer must not grow this without bound.
                if (_stderr.Length > 64 * 1024) _stderr.Remove(0, _stderr.Length - 32 * 1024);
                _stderr.AppendLine(e.Data);
            }
        };
        _process.BeginErrorReadLine();
        _ = Task.Run(ReadResponsesAsync);
    }

    private async Task ReadResponsesAsync()
    {
        try
        {
            while (await _process.StandardOutput.ReadLineAsync() is { } line)
            {
                var response = JsonNode.Parse(line)!.AsObject();
                var id = response["id"]?.GetValue<long>() ?? -1;
                if (id == 0)
                {
                    _ready.TrySetResult();
                    continue;
                }
                if (!_pending.TryRemove(id, out var completion)) continue;
                if (response["ok"]!.GetValue<bool>())
                {
                    completion.TrySetResult(response["result"]);
                }
                else
                {
                    completion.TrySetException(new NodeHarnessException(response["error"]?.ToString() ?? "unknown error"));
                }
            }
        }
        catch (Exception ex)
        {
            FailAll(ex);
            return;
        }
        FailAll(new NodeHarnessException($"interop harness exited: {StandardError}"));
    }

    private void FailAll(Exception reason)
    {
        _ready.TrySetException(reason);
        foreach (var id in _pending.Keys)
        {
            if (_pending.TryRemove(id, out var completion)) completion.TrySetException(reason);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            if (!_process.WaitForExit(5000)) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        await Task.CompletedTask;
        _process.Dispose();
        _writeLock.Dispose();
    }
}

/// <summary>An error raised on the Node side of an interop call, with its stack.</summary>
public sealed class NodeHarnessException(string message) : Exception(message);
