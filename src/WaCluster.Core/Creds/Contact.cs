namespace WaCluster.Core.Creds;

/// <summary>Who we are once paired: our device JID, our LID and the business or push name, if any.</summary>
public sealed record Contact(string Id, string? Lid = null, string? Name = null);
