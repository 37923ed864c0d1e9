using System.Globalization;
using Google.Protobuf;
using WaCluster.Core.AppState;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Media;
using WaCluster.Protocol.Proto;
using WaCluster.Simulator.Accounts;
using WaCluster.Simulator.Connections;
using WaCluster.Simulator.Stanzas;

namespace WaCluster.Simulator.AppState;

/// <summary>
/// <c>iq set w:sync:app:state</c>: <c>&lt;sync&gt;</c> with one <c>&lt;collection name version return_snapshot&gt;</c> per
/// collection, answered in one <c>&lt;sync&gt;</c>. A collection without a patch gets a snapshot (an external blob on the
/// media host) when asked for one and there is state, else the patches after its version, at most
/// <see cref="PatchesPerAnswer"/> with <c>has_more_patches</c>. A collection with a <c>&lt;patch&gt;</c> uploads it: it must
/// be the version right after the stated one, which must be the server's; a stale version gets a per-collection
/// error 409 with the patches the client missed, as WhatsApp answers a conflict; the other devices of the account get a
/// server_sync notification. A malformed iq or an unknown collection is refused whole before anything changes.
/// </summary>
internal static class AppStateIq
{
    public const int PatchesPerAnswer = 50;

    private sealed record Request(ServerCollection Collection, ulong Version, bool ReturnSnapshot, BinaryNode? Patch);

    public static void Handle(WaSimulator simulator, ChatConnection connection, SimDevice device, BinaryNode iq)
    {
        var state = simulator.AppStateOf(device.User);
        var requests = new List<Request>();
        var sync = iq["type"] == "set" ? iq.GetChild("sync") : null;
        foreach (var node in sync?.GetChildren("collection") ?? [])
        {
            if (node["name"] is not { } name)
            {
                connection.Send(ServerNodes.IqError(iq, 400, "bad-request"));
                return;
            }
            if (state.Collection(name) is not { } collection)
            {
                connection.Send(ServerNodes.IqError(iq, 404, "item-not-found"));
                return;
            }
            ulong version = 0;
            if (node["version"] is { } text && !ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out version)
                || requests.Any(r => r.Collection == collection))
            {
                connection.Send(ServerNodes.IqError(iq, 400, "bad-request"));
                return;
            }
            requests.Add(new Request(collection, version, node["return_snapshot"] == "true", node.GetChild("patch")));
        }
        if (requests.Count == 0)
        {
            connection.Send(ServerNodes.IqError(iq, 400, "bad-request"));
            return;
        }
        var answers = requests.Select(r => r.Patch is { } patch ? Upload(simulator, device, r, patch) : Serve(simulator, r)).ToArray();
        connection.Send(ServerNodes.IqResult(iq, new BinaryNode("sync", [], answers)));
    }

    private static BinaryNode Serve(WaSimulator simulator, Request request)
    {
        var collection = request.Collection;
        if (request.Version > collection.Version) return Error(collection, 400, "bad-request");
        if (request.ReturnSnapshot && collection.Snapshot() is { } snapshot)
        {
            return new BinaryNode("collection", [("name", collection.Name), ("version", Text(collection.Version))],
                [new BinaryNode("snapshot", [], SnapshotBlob(simulator, collection, snapshot).ToByteArray())]);
        }
        var patches = collection.PatchesAfter(request.Version, PatchesPerAnswer);
        var reached = request.Version + (ulong)patches.Count;
        return new BinaryNode("collection",
            [("name", collection.Name), ("version", Text(reached)), ("has_more_patches", reached < collection.Version ? "true" : "false")],
            [Patches(patches)]);
    }

    private static BinaryNode Upload(WaSimulator simulator, SimDevice device, Request request, BinaryNode patchNode)
    {
        var collection = request.Collection;
        if (request.Version < collection.Version)
        {
            return new BinaryNode("collection", [("name", collection.Name), ("type", "error"), ("version", Text(collection.Version))],
                [new BinaryNode("error", [("code", "409"), ("text", "conflict")]), Patches(collection.PatchesAfter(request.Version, PatchesPerAnswer))]);
        }
        if (request.Version > collection.Version) return Error(collection, 400, "bad-request");
        SyncdPatch stored;
        try
        {
            var patch = SyncdPatch.Parser.ParseFrom(patchNode.Bytes.Span);
            // Clients leave the version out (it is the stated one plus one) or give exactly that one.
            if (patch.Version is { HasVersion: true } claimed && claimed.Version != collection.Version + 1) return Error(collection, 400, "bad-request");
            stored = collection.Append(patch);
        }
        catch (Exception ex) when (ex is InvalidProtocolBufferException or AppStateException)
        {
            return Error(collection, 400, "bad-request");
        }
        NotifyOtherDevices(simulator, device, collection);
        return new BinaryNode("collection", [("name", collection.Name), ("version", Text(stored.Version.Version))]);
    }

    /// <summary>Every other companion of the account is told the collection moved on, so it fetches the new patches.</summary>
    private static void NotifyOtherDevices(WaSimulator simulator, SimDevice author, ServerCollection collection)
    {
        foreach (var device in author.User.Companions.Values)
        {
            if (device == author) continue;
            var id = simulator.NewStanzaId();
            device.Deliver(new PendingStanza(id, "notification", new BinaryNode("notification",
                [("from", ServerNodes.Server), ("type", "server_sync"), ("id", id), ("t", ServerNodes.Timestamp(WaSimulator.Now))],
                [new BinaryNode("collection", [("name", collection.Name), ("version", Text(collection.Version))])])));
        }
    }

    // The snapshot goes up once per version, encrypted as "App State" media, as WhatsApp serves it.
    private static ExternalBlobReference SnapshotBlob(WaSimulator simulator, ServerCollection collection, SyncdSnapshot snapshot)
    {
        if (collection.ServedSnapshot is { } served && served.Version == collection.Version) return served.Blob;
        var blob = MediaEncryptor.Encrypt(snapshot.ToByteArray(), MediaKeys.GenerateMediaKey(), MediaType.AppState, out var encrypted);
        var reference = new ExternalBlobReference
        {
            MediaKey = ByteString.CopyFrom(encrypted.MediaKey),
            DirectPath = simulator.Media.StoreUploaded(MediaType.AppState, blob),
            FileSizeBytes = (ulong)encrypted.FileLength,
            FileSha256 = ByteString.CopyFrom(encrypted.FileSha256),
            FileEncSha256 = ByteString.CopyFrom(encrypted.FileEncSha256),
        };
        collection.ServedSnapshot = (collection.Version, reference);
        return reference;
    }

    private static BinaryNode Patches(IReadOnlyList<SyncdPatch> patches) =>
        patches.Count == 0
            ? new BinaryNode("patches", [], ReadOnlySpan<BinaryNode>.Empty)
            : new BinaryNode("patches", [], patches.Select(p => new BinaryNode("patch", [], p.ToByteArray())).ToArray());

    private static BinaryNode Error(ServerCollection collection, int code, string text) =>
        new("collection", [("name", collection.Name), ("type", "error")], [new BinaryNode("error", [("code", Text((ulong)code)), ("text", text)])]);

    private static string Text(ulong value) => value.ToString(CultureInfo.InvariantCulture);
}
