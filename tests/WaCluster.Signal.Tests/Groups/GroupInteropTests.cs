using WaCluster.Signal.Groups;
using WaCluster.TestSupport;

namespace WaCluster.Signal.Tests.Groups;

/// <summary>Our sender keys against Baileys' group cipher (GroupSessionBuilder/GroupCipher), in both directions.</summary>
[Trait("Proof", "signal-interop")]
public sealed class GroupInteropTests : IAsyncLifetime
{
    private const int MessageCount = 500;
    private const string Group = "120363025246125888@g.us";
    private static readonly ProtocolAddress Ours = new("15550001111", 0);
    private static readonly ProtocolAddress Theirs = new("15550002222", 3);

    private NodeHarness _node = null!;

    public async Task InitializeAsync()
    {
        _node = await NodeHarness.StartAsync();
        await _node.CallAsync("groups.reset");
    }

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task Baileys_reads_our_messages_out_of_order_and_rejects_duplicates_forgeries_and_far_future()
    {
        var store = new SerializingSenderKeyStore();
        var name = new SenderKeyName(Group, Ours);
        var distribution = await new GroupSessionBuilder(store).CreateAsync(name);
        var processed = await _node.CallAsync<ProcessedDto>("groups.process",
            new { party = "bob", group = Group, sender = Sender(Ours), distribution = B64(distribution.Serialize()) });
        Assert.Equal(distribution.KeyId, processed.Id);
        Assert.Equal(0u, processed.Iteration);

        var cipher = new GroupCipher(store, name);
        var plaintexts = Plaintexts(MessageCount, seed: 1);
        var messages = new List<byte[]>();
        foreach (var plaintext in plaintexts)
        {
            messages.Add(await cipher.EncryptAsync(plaintext));
        }
        var order = SeededShuffle(MessageCount, seed: 2);
        var results = await BaileysDecrypt("bob", Ours, order.Select(i => messages[i]));
        for (var k = 0; k < order.Length; k++)
        {
            Assert.True(results[k].Ok, $"Baileys failed message {order[k]}: {results[k].Error}");
            Assert.Equal(B64(plaintexts[order[k]]), results[k].Plaintext);
        }

        var replays = await BaileysDecrypt("bob", Ours, messages.Where((_, i) => i % 25 == 0));
        Assert.All(replays, r => Assert.False(r.Ok, "Baileys decrypted a replayed message"));

        var fresh = await cipher.EncryptAsync("after the replays"u8.ToArray());
        var forged = (byte[])fresh.Clone();
        forged[^10] ^= 0x20;
        var forgedBody = (byte[])fresh.Clone();
        forgedBody[^(SenderKeyMessage.SignatureLength + 3)] ^= 0x01;
        var outcome = await BaileysDecrypt("bob", Ours, [forged, forgedBody, fresh]);
        Assert.Contains("signature", outcome[0].Error, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("signature", outcome[1].Error, StringComparison.OrdinalIgnoreCase);
        Assert.True(outcome[2].Ok, outcome[2].Error);
        Assert.Equal(B64("after the replays"u8.ToArray()), outcome[2].Plaintext);

        // Baileys' chain is now at our next iteration: exactly 2000 ahead is allowed, 2001 is not.
        var ahead = new List<byte[]>();
        for (var i = 0; i <= SenderKeyCipher.MaxFutureMessages + 1; i++)
        {
            ahead.Add(await cipher.EncryptAsync(new[] { (byte)i }));
        }
        var edge = await BaileysDecrypt("bob", Ours, [ahead[^1], ahead[^2], ahead[^1]]);
        Assert.False(edge[0].Ok);
        Assert.Contains("future", edge[0].Error, StringComparison.OrdinalIgnoreCase);
        Assert.True(edge[1].Ok, edge[1].Error);
        Assert.True(edge[2].Ok, edge[2].Error);
        Assert.Equal(B64([(byte)(ahead.Count - 1)]), edge[2].Plaintext);
    }

    [Fact]
    public async Task We_read_Baileys_messages_out_of_order_and_reject_duplicates_forgeries_and_far_future()
    {
        var store = new SerializingSenderKeyStore();
        var name = new SenderKeyName(Group, Theirs);
        var distribution = SenderKeyDistributionMessage.Parse(await Create("alice", Theirs));
        await new GroupSessionBuilder(store).ProcessAsync(name, distribution);
        var cipher = new GroupCipher(store, name);

        var plaintexts = Plaintexts(MessageCount, seed: 3);
        var messages = await BaileysEncrypt("alice", Theirs, plaintexts);
        Assert.All(messages, m => Assert.Equal(distribution.KeyId, SenderKeyMessage.Parse(m).KeyId));
        foreach (var i in SeededShuffle(MessageCount, seed: 4))
        {
            Assert.Equal(plaintexts[i], await cipher.DecryptAsync(messages[i]));
        }

        foreach (var replay in messages.Where((_, i) => i % 25 == 0))
        {
            await AssertRejectedWithoutWrite<DuplicateMessageException>(store, name, () => cipher.DecryptAsync(replay));
        }

        var fresh = (await BaileysEncrypt("alice", Theirs, ["fresh"u8.ToArray()]))[0];
        var forged = (byte[])fresh.Clone();
        forged[^1] ^= 0x01;
        await AssertRejectedWithoutWrite<InvalidSignatureException>(store, name, () => cipher.DecryptAsync(forged));
        var forgedHeader = (byte[])fresh.Clone();
        forgedHeader[3] ^= 0x01; // inside the key id varint
        await AssertRejectedWithoutWrite<SignalException>(store, name, () => cipher.DecryptAsync(forgedHeader));
        await AssertRejectedWithoutWrite<InvalidMessageException>(store, name, () => cipher.DecryptAsync(fresh.AsMemory(0, 40)));
        Assert.Equal("fresh"u8.ToArray(), await cipher.DecryptAsync(fresh));

        // Baileys' sender advances two iterations per message: 1001 more messages put the last 2001 past our chain.
        var ahead = await BaileysEncrypt("alice", Theirs, Plaintexts(1001, seed: 5));
        var chainBefore = store.RecordOf(name)!.StateFor(distribution.KeyId)!.ChainIteration;
        Assert.Equal(SenderKeyCipher.MaxFutureMessages + 1, (int)(SenderKeyMessage.Parse(ahead[^1]).Iteration - chainBefore));
        await AssertRejectedWithoutWrite<MessageTooFarInFutureException>(store, name, () => cipher.DecryptAsync(ahead[^1]));
        await cipher.DecryptAsync(ahead[^2]);
        await cipher.DecryptAsync(ahead[^1]);
        Assert.Equal(SenderKeyState.MaxSkippedMessageKeys, store.RecordOf(name)!.CurrentState!.SkippedMessageKeyCount);
    }

    [Fact]
    public async Task Rotated_keys_from_Baileys_leave_older_keys_readable_up_to_five_states()
    {
        var store = new SerializingSenderKeyStore();
        var name = new SenderKeyName(Group, Theirs);
        var builder = new GroupSessionBuilder(store);
        var cipher = new GroupCipher(store, name);
        var pending = new List<(byte[] Plaintext, byte[] Message, uint KeyId)>();
        var keyIds = new List<uint>();
        for (var rotation = 0; rotation < 6; rotation++)
        {
            var distribution = SenderKeyDistributionMessage.Parse(
                rotation == 0 ? await Create("carol", Theirs) : await Rotate("carol", Theirs));
            Assert.DoesNotContain(distribution.KeyId, keyIds);
            keyIds.Add(distribution.KeyId);
            await builder.ProcessAsync(name, distribution);
            var plaintexts = Plaintexts(6, seed: 10 + rotation);
            var messages = await BaileysEncrypt("carol", Theirs, plaintexts);
            // Read half now; keep the rest for after later rotations.
            for (var i = 0; i < messages.Length; i++)
            {
                if (i % 2 == 0)
                {
                    Assert.Equal(plaintexts[i], await cipher.DecryptAsync(messages[i]));
                }
                else
                {
                    pending.Add((plaintexts[i], messages[i], distribution.KeyId));
                }
            }
        }
        var record = store.RecordOf(name)!;
        Assert.Equal(keyIds.Skip(1), record.States.Select(s => s.KeyId));

        foreach (var index in SeededShuffle(pending.Count, seed: 40))
        {
            var (plaintext, message, keyId) = pending[index];
            if (keyId == keyIds[0])
            {
                await AssertRejectedWithoutWrite<NoSessionException>(store, name, () => cipher.DecryptAsync(message));
            }
            else
            {
                Assert.Equal(plaintext, await cipher.DecryptAsync(message));
            }
        }
    }

    [Fact]
    public async Task Baileys_keeps_reading_our_previous_key_after_we_rotate()
    {
        var store = new SerializingSenderKeyStore();
        var name = new SenderKeyName(Group, Ours);
        var builder = new GroupSessionBuilder(store);
        var cipher = new GroupCipher(store, name);
        var held = new List<(byte[] Plaintext, byte[] Message)>();
        var keyIds = new List<uint>();
        for (var rotation = 0; rotation < 3; rotation++)
        {
            var distribution = rotation == 0 ? await builder.CreateAsync(name) : await builder.RotateAsync(name);
            keyIds.Add(distribution.KeyId);
            var processed = await _node.CallAsync<ProcessedDto>("groups.process",
                new { party = "dave", group = Group, sender = Sender(Ours), distribution = B64(distribution.Serialize()) });
            Assert.Equal(distribution.KeyId, processed.Id);
            foreach (var plaintext in Plaintexts(20, seed: 20 + rotation))
            {
                held.Add((plaintext, await cipher.EncryptAsync(plaintext)));
            }
        }
        Assert.Equal(3, keyIds.Distinct().Count());
        Assert.Single(store.RecordOf(name)!.States);

        var order = SeededShuffle(held.Count, seed: 30);
        var results = await BaileysDecrypt("dave", Ours, order.Select(i => held[i].Message));
        for (var k = 0; k < order.Length; k++)
        {
            Assert.True(results[k].Ok, $"Baileys failed held message {order[k]}: {results[k].Error}");
            Assert.Equal(B64(held[order[k]].Plaintext), results[k].Plaintext);
        }
    }

    [Fact]
    public async Task Distribution_messages_cross_both_ways_byte_for_byte()
    {
        var theirBytes = await Create("erin", Theirs);
        var parsed = SenderKeyDistributionMessage.Parse(theirBytes);
        Assert.Equal(theirBytes, parsed.Serialize());

        var store = new SerializingSenderKeyStore();
        var ours = await new GroupSessionBuilder(store).CreateAsync(new SenderKeyName(Group, Ours));
        var processed = await _node.CallAsync<ProcessedDto>("groups.process",
            new { party = "erin", group = Group, sender = Sender(Ours), distribution = B64(ours.Serialize()) });
        Assert.Equal((ours.KeyId, ours.Iteration), (processed.Id, processed.Iteration));
        Assert.Equal(ours.Serialize(), SenderKeyDistributionMessage.Parse(ours.Serialize()).Serialize());
    }

    [Fact]
    public async Task Late_joiners_start_at_the_distributed_iteration_both_ways()
    {
        // Baileys has sent before we join: its distribution starts past those messages, which stay unreadable to us.
        await Create("frank", Theirs);
        var before = await BaileysEncrypt("frank", Theirs, Plaintexts(5, seed: 50));
        var theirs = SenderKeyDistributionMessage.Parse(await Create("frank", Theirs));
        Assert.True(theirs.Iteration > SenderKeyMessage.Parse(before[^1]).Iteration);
        var store = new SerializingSenderKeyStore();
        var name = new SenderKeyName(Group, Theirs);
        await new GroupSessionBuilder(store).ProcessAsync(name, theirs);
        var cipher = new GroupCipher(store, name);
        var after = Plaintexts(5, seed: 51);
        var afterMessages = await BaileysEncrypt("frank", Theirs, after);
        for (var i = after.Length - 1; i >= 0; i--)
        {
            Assert.Equal(after[i], await cipher.DecryptAsync(afterMessages[i]));
        }
        await AssertRejectedWithoutWrite<DuplicateMessageException>(store, name, () => cipher.DecryptAsync(before[0]));

        // The same the other way: Baileys joins after our first messages.
        var ourStore = new SerializingSenderKeyStore();
        var ourName = new SenderKeyName(Group, Ours);
        var builder = new GroupSessionBuilder(ourStore);
        await builder.CreateAsync(ourName);
        var ourCipher = new GroupCipher(ourStore, ourName);
        var early = new List<byte[]>();
        foreach (var plaintext in Plaintexts(5, seed: 52))
        {
            early.Add(await ourCipher.EncryptAsync(plaintext));
        }
        var ours = await builder.CreateAsync(ourName);
        Assert.Equal(5u, ours.Iteration);
        await _node.CallAsync<ProcessedDto>("groups.process",
            new { party = "frank", group = Group, sender = Sender(Ours), distribution = B64(ours.Serialize()) });
        var later = Plaintexts(5, seed: 53);
        var laterMessages = new List<byte[]>();
        foreach (var plaintext in later)
        {
            laterMessages.Add(await ourCipher.EncryptAsync(plaintext));
        }
        var results = await BaileysDecrypt("frank", Ours, [.. laterMessages, early[0]]);
        for (var i = 0; i < later.Length; i++)
        {
            Assert.True(results[i].Ok, results[i].Error);
            Assert.Equal(B64(later[i]), results[i].Plaintext);
        }
        Assert.False(results[^1].Ok, "Baileys read a message sent before it got our key");
    }

    private static async Task AssertRejectedWithoutWrite<TException>(SerializingSenderKeyStore store, SenderKeyName name, Func<Task> decrypt)
        where TException : SignalException
    {
        var writes = store.Writes;
        var before = store.BytesOf(name);
        await Assert.ThrowsAnyAsync<TException>(decrypt);
        Assert.Equal(writes, store.Writes);
        Assert.Equal(before, store.BytesOf(name));
    }

    private async Task<byte[]> Create(string party, ProtocolAddress sender) =>
        Convert.FromBase64String(await _node.CallAsync<string>("groups.create", new { party, group = Group, sender = Sender(sender) }));

    private async Task<byte[]> Rotate(string party, ProtocolAddress sender) =>
        Convert.FromBase64String(await _node.CallAsync<string>("groups.rotate", new { party, group = Group, sender = Sender(sender) }));

    private async Task<byte[][]> BaileysEncrypt(string party, ProtocolAddress sender, IEnumerable<byte[]> plaintexts)
    {
        var messages = await _node.CallAsync<string[]>("groups.encrypt",
            new { party, group = Group, sender = Sender(sender), plaintexts = plaintexts.Select(B64) });
        return messages.Select(Convert.FromBase64String).ToArray();
    }

    private Task<DecryptedDto[]> BaileysDecrypt(string party, ProtocolAddress sender, IEnumerable<byte[]> messages) =>
        _node.CallAsync<DecryptedDto[]>("groups.decrypt", new { party, group = Group, sender = Sender(sender), messages = messages.Select(B64) });

    private static object Sender(ProtocolAddress address) => new { name = address.Name, device = address.DeviceId };

    private static byte[][] Plaintexts(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(i =>
        {
            var bytes = new byte[random.Next(0, 300)];
            random.NextBytes(bytes);
            return bytes;
        }).ToArray();
    }

    private static int[] SeededShuffle(int count, int seed)
    {
        var order = Enumerable.Range(0, count).ToArray();
        new Random(seed).Shuffle(order);
        return order;
    }

    private static string B64(byte[] bytes) => Convert.ToBase64String(bytes);

    private sealed record ProcessedDto(uint Id, uint Iteration);

    private sealed record DecryptedDto(bool Ok, string? Plaintext, string? Error);
}
