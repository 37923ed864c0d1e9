namespace WaCluster.Node.Management;

/// <summary>A management request that cannot be served; <see cref="Code"/> maps to an HTTP status.</summary>
public sealed class ManagementException(string code, string message) : Exception(message)
{
    public const string NotFound = "not-found";
    public const string Rejected = "rejected";
    public const string BadRequest = "bad-request";
    public const string Timeout = "timeout";

    public string Code { get; } = code;
}
