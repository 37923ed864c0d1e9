using Google.Protobuf;
using WaCluster.Cluster.Tests.Support;
using WaCluster.Cli;
using WaCluster.Cluster.Tests.Commands;
using WaCluster.Contracts.Management;
using WaCluster.Contracts.Proto;

namespace WaCluster.Cluster.Tests.Cli;

/// <summary>
/// <c>accounts send</c> with every kind option, in table and JSON form, between two accounts of a node on the
/// simulator: the receiving account decrypts each message and publishes what it got.
/// </summary>
[Trait("Proof", "cli")]
public sealed class CliSendTests(SimulatorManagedNode node) : IClassFixture<SimulatorManagedNode>
{
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default);

    [Fact]
    public async Task Every_kind_option_reaches_the_other_account_in_both_output_forms()
    {
        var events = await node.RecordEventsAsync();
        var receiver = await PairAsync("cli-receiver", "15550004101", events);
        await PairAsync("cli-sender", "15550004102", events);
        var to = receiver.Jid;
        var document = Path.GetTempFileName();
        var image = Path.GetTempFileName();
        try
        {
            var documentBytes = RandomBytes(4_000);
            var imageBytes = RandomBytes(9_000);
            await File.WriteAllBytesAsync(document, documentBytes);
            await File.WriteAllBytesAsync(image, imageBytes);

            var table = await Succeeds("accounts", "send", "cli-sender", to, "hello", "there", "--id", "cli-s-text");
            Assert.Contains("queued in the outbox of cli-sender (id cli-s-text)", table.Output);
            var text = await events.NextAsync<MessageReceived>("cli-receiver", m => m.MessageId == "cli-s-text");
            Assert.Equal((MessageKind.Text, "hello there"), (text.Kind, text.Text));

            var reply = Parser.Parse<ManagementResult>((await Succeeds("--json", "accounts", "send", "cli-sender", to, "a reply",
                "--reply-to", "cli-s-text", "--from-me", "--quoted-text", "hello there")).Output);
            Assert.StartsWith("cli-", reply.ReferenceId, StringComparison.Ordinal);
            await Expect(events, reply.ReferenceId, MessageKind.Reply, "a reply", "cli-s-text");

            await Succeeds("accounts", "send", "cli-sender", to, "👍", "--react", "cli-s-text", "--from-me", "--id", "cli-s-react");
            await Expect(events, "cli-s-react", MessageKind.Reaction, "👍", "cli-s-text");
            await Succeeds("accounts", "send", "cli-sender", to, "hello again", "--edit", "cli-s-text", "--from-me", "--id", "cli-s-edit");
            await Expect(events, "cli-s-edit", MessageKind.Edit, "hello again", "cli-s-text");
            await Succeeds("--json", "accounts", "send", "cli-sender", to, "--revoke", "cli-s-text", "--from-me", "--id", "cli-s-revoke");
            await Expect(events, "cli-s-revoke", MessageKind.Revoke, "", "cli-s-text");

            await Succeeds("accounts", "send", "cli-sender", to, "the", "report", "--document", document, "--file-name", "report.pdf",
                "--mimetype", "application/pdf", "--id", "cli-s-doc");
            var doc = await Expect(events, "cli-s-doc", MessageKind.Document, "the report", "");
            Assert.Equal(("report.pdf", "application/pdf", (ulong)documentBytes.Length), (doc.Media.FileName, doc.Media.Mimetype, doc.Media.FileLength));
            // A file on the node itself (here the same machine) goes by path, not through the request.
            await Succeeds("accounts", "send", "cli-sender", to, "--image", image, "--node-file", "--id", "cli-s-image");
            var img = await Expect(events, "cli-s-image", MessageKind.Image, "", "");
            Assert.Equal((ulong)imageBytes.Length, img.Media.FileLength);
        }
        finally
        {
            File.Delete(document);
            File.Delete(image);
        }
    }

    [Fact]
    public async Task Send_errors_have_their_own_exit_codes_and_queue_nothing()
    {
        await Succeeds("accounts", "connect", "cli-send-errors");
        var to = "15550004199@s.whatsapp.net";
        await AssertFails(ExitCodes.Usage, "do not go together", "accounts", "send", "cli-send-errors", to, "x", "--react", "a", "--edit", "b");
        await AssertFails(ExitCodes.Usage, "cannot read", "accounts", "send", "cli-send-errors", to, "--image", "/no/such/file.jpg");
        await AssertFails(ExitCodes.Usage, "takes no text", "accounts", "send", "cli-send-errors", to, "x", "--revoke", "a");
        await AssertFails(ExitCodes.Usage, "needs a text", "accounts", "send", "cli-send-errors", to);
        await AssertFails(ExitCodes.Usage, "unknown send option", "accounts", "send", "cli-send-errors", to, "x", "--gif");
        await AssertFails(ExitCodes.Usage, "needs a value", "accounts", "send", "cli-send-errors", to, "x", "--reply-to");
        await AssertFails(ExitCodes.NotFound, "unknown account", "accounts", "send", "cli-nobody", to, "x");
        // The account checks what it would persist: a bad id is refused by the account itself.
        await AssertFails(ExitCodes.Rejected, "Invalid", "accounts", "send", "cli-send-errors", to, "x", "--id", "no spaces allowed");
        // Media is uploaded by the live engine: an account that is not connected refuses it.
        var image = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(image, RandomBytes(100));
            await AssertFails(ExitCodes.Rejected, "NotConnected", "--json", "accounts", "send", "cli-send-errors", to, "--image", image);
        }
        finally
        {
            File.Delete(image);
        }
        Assert.Equal(0, (await node.Accounts.GetStatusAsync("cli-send-errors")).PendingSends);
    }

    private async Task<WaCluster.Simulator.AccountInfo> PairAsync(string id, string phone, AccountEventLog events)
    {
        await Succeeds("accounts", "connect", id);
        var code = (await Succeeds("accounts", "pair-code", id, phone)).Output.Trim();
        var account = await node.Simulator.EnterPairingCodeAsync(phone, code).WaitAsync(TimeSpan.FromSeconds(60));
        await events.NextAsync<ConnectionChanged>(id, c => c.Connection == ConnectionState.Connected);
        return account;
    }

    private static async Task<MessageReceived> Expect(AccountEventLog events, string id, MessageKind kind, string text, string target)
    {
        var received = await events.NextAsync<MessageReceived>("cli-receiver", m => m.MessageId == id);
        Assert.Equal((kind, text, target), (received.Kind, received.Text, received.TargetMessageId));
        return received;
    }

    private async Task AssertFails(int exitCode, string error, params string[] args)
    {
        var run = await node.RunAsync(args);
        Assert.True(run.ExitCode == exitCode, $"exit {run.ExitCode}, expected {exitCode}: {run.Error}");
        Assert.Contains(error, run.Error);
        Assert.Empty(run.Output);
    }

    private static byte[] RandomBytes(int size)
    {
        var bytes = new byte[size];
        Random.Shared.NextBytes(bytes);
        return bytes;
    }

    private async Task<CliRun> Succeeds(params string[] args)
    {
        var run = await node.RunAsync(args);
        Assert.True(run.ExitCode == ExitCodes.Ok, $"exit {run.ExitCode}: {run.Error}");
        Assert.Empty(run.Error);
        return run;
    }
}
