namespace WaCluster.Node.Management;

/// <summary>Where a node's management endpoint listens and the token the CLI must present.</summary>
public sealed record ManagementOptions
{
    public const string DefaultUrl = "http://127.0.0.1:9110";

    /// <summary>Kestrel URL; loopback by default so that exposing it is an explicit operator choice.</summary>
    public string Url { get; init; } = DefaultUrl;

    /// <summary>Shared secret sent as <c>Authorization: Bearer</c>; required (there is no unauthenticated mode).</summary>
    public required string Token { get; init; }

    /// <summary>How long one management request may wait on the cluster.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long `accounts qr` waits for the account's next QR code.</summary>
    public TimeSpan QrWait { get; init; } = TimeSpan.FromSeconds(30);

    public override string ToString() => $"ManagementOptions {{ Url = {Url}, Token = *** }}";
}
