using System.Globalization;
using Google.Protobuf;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Jids;
using WaCluster.Protocol.Proto;

namespace WaCluster.Core.Iq;

/// <summary>What to ask of one collection: the patches after <paramref name="Version"/>, and its snapshot too when
/// <paramref name="ReturnSnapshot"/> (syncing from nothing, or starting again after a refused patch).</summary>
public sealed record AppStateCollectionRequest(string Name, ulong Version, bool ReturnSnapshot);

/// <summary>
/// The server's answer for one collection: the snapshot's blob reference (downloaded as <c>md-app-state</c>), the
/// patches in order (each with its version: a patch without one is the collection's version + 1), whether more
/// patches wait, or the collection's error instead.
/// </summary>
public sealed record AppStateCollectionResponse(
    string Name,
    ulong Version,
    bool HasMorePatches,
    ExternalBlobReference? Snapshot,
    IReadOnlyList<SyncdPatch> Patches,
    AppStateCollectionError? Error);

/// <summary>A collection the server refused to sync (<c>&lt;error code text&gt;</c> inside its collection).</summary>
public sealed record AppStateCollectionError(int Code, string Text);

/// <summary>
/// Fetches app state (<c>w:sync:app:state</c> set <c>sync</c>): one <c>collection</c> per request with its version
/// and <c>return_snapshot</c>; the answer has a <c>collection</c> per name asked.
/// </summary>
public sealed class AppStateSyncSpec(IReadOnlyList<AppStateCollectionRequest> collections) : IIqSpec<IReadOnlyList<AppStateCollectionResponse>>
{
    public const string Xmlns = "w:sync:app:state";

    public BinaryNode Build(string id) =>
        new("iq", [("id", id), ("xmlns", Xmlns), ("type", "set"), ("to", Jid.ServerJid.ToString())],
        [
            new BinaryNode("sync", [], collections.Select(c => new BinaryNode("collection",
            [
                ("name", c.Name),
                ("version", c.Version.ToString(CultureInfo.InvariantCulture)),
                ("return_snapshot", c.ReturnSnapshot ? "true" : "false"),
            ])).ToArray()),
        ]);

    public IReadOnlyList<AppStateCollectionResponse> Parse(BinaryNode response) =>
        IqResponses.Require(response, "sync", "app state sync").GetChildren("collection").Select(ParseCollection).ToList();

    private static AppStateCollectionResponse ParseCollection(BinaryNode collection)
    {
        var name = collection.GetAttribute("name") is { Length: > 0 } n ? n : throw new IqResponseException("app state collection without a name");
        var version = ulong.TryParse(collection.GetAttribute("version") ?? "0", NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v
            : throw new IqResponseException($"app state collection {name} with version '{collection.GetAttribute("version")}'");
        if (collection.GetChild("error") is { } error)
        {
            var code = int.TryParse(error.GetAttribute("code"), NumberStyles.None, CultureInfo.InvariantCulture, out var c) ? c : 500;
            return new AppStateCollectionResponse(name, version, false, null, [], new AppStateCollectionError(code, error.GetAttribute("text") ?? "error"));
        }
        var snapshot = collection.GetChild("snapshot") is { ContentKind: NodeContentKind.Bytes } snapshotNode
            ? ParseProto(ExternalBlobReference.Parser, snapshotNode.Bytes, $"the snapshot reference of {name}")
            : null;
        var patches = new List<SyncdPatch>();
        foreach (var patchNode in (collection.GetChild("patches") ?? collection).GetChildren("patch"))
        {
            if (patchNode.ContentKind != NodeContentKind.Bytes) continue;
            var patch = ParseProto(SyncdPatch.Parser, patchNode.Bytes, $"a patch of {name}");
            if (patch.Version is not { HasVersion: true }) patch.Version = new SyncdVersion { Version = version + 1 };
            patches.Add(patch);
        }
        return new AppStateCollectionResponse(name, version, collection.GetAttribute("has_more_patches") == "true", snapshot, patches, null);
    }

    private static T ParseProto<T>(MessageParser<T> parser, ReadOnlyMemory<byte> bytes, string what) where T : IMessage<T>
    {
        try
        {
            return parser.ParseFrom(bytes.Span);
        }
        catch (InvalidProtocolBufferException error)
        {
            throw new IqResponseException($"{what} is not a valid protobuf: {error.Message}");
        }
    }
}

/// <summary>
/// Sends one patch of our own (<c>w:sync:app:state</c> set <c>sync</c> <c>collection</c> <c>patch</c>): the
/// collection's version before the patch as an attribute and the patch without its own version field, as WhatsApp
/// Web sends it; no snapshot asked; accepted once the result comes back.
/// </summary>
public sealed class AppStatePatchSpec(string name, SyncdPatch patch) : IIqSpec<IqAccepted>
{
    private readonly ulong _version = patch.Version?.Version ?? throw new ArgumentException("the patch carries its version", nameof(patch));

    public BinaryNode Build(string id)
    {
        var sent = patch.Clone();
        sent.Version = null;
        return new BinaryNode("iq", [("id", id), ("xmlns", AppStateSyncSpec.Xmlns), ("type", "set"), ("to", Jid.ServerJid.ToString())],
        [
            new BinaryNode("sync", [],
            [
                new BinaryNode("collection",
                    [("name", name), ("version", (_version - 1).ToString(CultureInfo.InvariantCulture)), ("return_snapshot", "false")],
                    [new BinaryNode("patch", [], (ReadOnlyMemory<byte>)sent.ToByteArray())]),
            ]),
        ]);
    }

    public IqAccepted Parse(BinaryNode response) => default;
}
