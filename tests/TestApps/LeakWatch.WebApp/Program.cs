using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// LeakWatch.WebApp --urls http://127.0.0.1:0
// Prints "READY pid=<pid> url=<bound address>" once Kestrel listens; stops on SIGTERM or Ctrl+C.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();

// /orders/{id}: 200 for ids up to 1000, 404 above, so one route gets two status codes.
app.MapGet("/orders/{id}", (int id) => id <= 1000 ? Results.Text($"order {id}: shipped\n") : Results.NotFound());
app.MapGet("/warmup", () => Results.Text("ok\n"));

// /status/{code}: answers with that status (200-299), one histogram series per code, to reach the series limits.
app.MapGet("/status/{code}", (int code) => code is >= 200 and <= 299 ? Results.StatusCode(code) : Results.BadRequest());

app.Lifetime.ApplicationStarted.Register(() =>
{
    var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
    Console.WriteLine($"READY pid={Environment.ProcessId} url={address}");
});

app.Run();
