namespace WaCluster.Core.Iq;

/// <summary>No response to an iq within its timeout.</summary>
public sealed class IqTimeoutException(string id, TimeSpan timeout)
    : EngineException($"no response to iq {id} within {timeout.TotalMilliseconds:0} ms")
{
    public string Id { get; } = id;
}

/// <summary>The server answered an iq with <c>type="error"</c>.</summary>
public sealed class IqErrorException(string id, int code, string text)
    : EngineException($"iq {id} failed: {code} {text}")
{
    public string Id { get; } = id;

    public int Code { get; } = code;
}

/// <summary>The connection ended while the request was waiting.</summary>
public sealed class ConnectionClosedException(string message) : EngineException(message);

/// <summary>The server's result to an iq lacks what its spec needs to read from it.</summary>
public sealed class IqResponseException(string message) : EngineException(message);
