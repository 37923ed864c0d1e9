using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace WaCluster.Simulator.Admin;

/// <summary>
/// Loopback control surface for tests and demos. <c>POST /admin/mock-phone/scan-qr</c> (QR text as the body) is the
/// route mock WhatsApp servers conventionally offer to test clients.
/// </summary>
internal static class AdminRoutes
{
    public static void Map(IEndpointRouteBuilder routes, WaSimulator simulator)
    {
        routes.MapGet("/admin/root-key", () => Results.Json(new { publicKey = Convert.ToBase64String(simulator.RootPublicKey) }));
        routes.MapGet("/admin/counters", () => Results.Json(simulator.Counters.Snapshot()));
        routes.MapGet("/admin/memory", (bool? collect) =>
        {
            if (collect == true) GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            return Results.Json(new { workingSet = Environment.WorkingSet, managedHeap = GC.GetTotalMemory(false), connectionsOpen = simulator.Counters.ConnectionsOpen });
        });
        routes.MapGet("/admin/queues", () => Results.Json(simulator.PendingCounts()));
        routes.MapPost("/admin/users", (string? phone) => Guard(() => Results.Json(simulator.CreateUser(phone))));
        routes.MapPost("/admin/users/addressing", (string phone, string mode) => Guard(() =>
        {
            simulator.SetAddressing(phone, mode switch
            {
                "lid" => true,
                "pn" => false,
                _ => throw new SimulatorException($"addressing mode '{mode}' is neither lid nor pn"),
            });
            return Results.Ok();
        }));
        routes.MapPost("/admin/faults", (string jid, int? delayMs, bool? withholdAcks) => Guard(() =>
        {
            simulator.SetFaults(jid, delayMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null, withholdAcks);
            return Results.Ok();
        }));
        routes.MapPost("/admin/connections/drop", (string jid) => Guard(() => simulator.DropConnection(jid) ? Results.Ok() : Results.NotFound()));
        routes.MapPost("/admin/mock-phone/scan-qr", (HttpRequest request, string? phone) =>
            ReadBodyAndRun(request, (qr, token) => simulator.ScanAsync(qr, phone, token)));
        routes.MapPost("/admin/mock-phone/send", async (HttpRequest request, string phone, string to) =>
        {
            using var reader = new StreamReader(request.Body);
            var text = await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
            try
            {
                return Results.Json(new { id = await simulator.PhoneSendTextAsync(phone, to, text) });
            }
            catch (Exception ex) when (ex is WaCluster.Protocol.ProtocolException or WaCluster.Signal.SignalException)
            {
                return Results.BadRequest(new { error = ex.Message });
            }
        });
        routes.MapGet("/admin/mock-phone/messages", (string phone) => Results.Json(simulator.PhoneMessages(phone)));
        routes.MapPost("/admin/mock-phone/enter-code", (HttpRequest request, string phone) =>
            ReadBodyAndRun(request, (code, token) => simulator.EnterPairingCodeAsync(phone, code, token)));
    }

    private static async Task<IResult> ReadBodyAndRun(HttpRequest request, Func<string, CancellationToken, Task<AccountInfo>> action)
    {
        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(request.HttpContext.RequestAborted);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            return Results.Json(await action(body.Trim(), timeout.Token));
        }
        catch (WaCluster.Protocol.ProtocolException ex)
        {
            return Results.BadRequest(new { error = ex.Message });
        }
        catch (OperationCanceledException)
        {
            return Results.StatusCode(StatusCodes.Status504GatewayTimeout);
        }
    }

    private static IResult Guard(Func<IResult> action)
    {
        try
        {
            return action();
        }
        catch (WaCluster.Protocol.ProtocolException ex)
        {
            return Results.BadRequest(new { error = ex.Message });
        }
    }
}
