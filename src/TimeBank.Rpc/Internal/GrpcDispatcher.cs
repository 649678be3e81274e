using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.Extensions.Logging;

namespace TimeBank.Rpc.Internal;

/// <summary>
/// Turns one HTTP request into one gRPC call: checks that it is gRPC at all, finds the method by
/// <c>:path</c>, applies the deadline, runs the method and ends the call with exactly one status.
/// </summary>
internal sealed class GrpcDispatcher(GrpcServiceRegistry registry, GrpcServerOptions options, ILogger logger, TimeProvider clock)
{
    private readonly LargeMessageGate _largeMessages = new(options);

    public async Task DispatchAsync(HttpContext context)
    {
        var request = context.Request;
        if (!GrpcProtocol.IsGrpcContentType(request.ContentType))
        {
            // The spec's 415 keeps a plain HTTP client from reading a gRPC error as success.
            RpcLog.UnsupportedContentType(logger, request.ContentType);
            RefuseWithHttpStatus(context, HttpStatusCode.UnsupportedMediaType, $"Content-Type '{request.ContentType}' is not supported; gRPC requests use application/grpc.");
            return;
        }

        if (!HttpMethods.IsPost(request.Method))
        {
            RefuseWithHttpStatus(context, HttpStatusCode.MethodNotAllowed, $"gRPC calls use POST, not {request.Method}.");
            return;
        }

        if (!HttpProtocol.IsHttp2(request.Protocol) && !HttpProtocol.IsHttp3(request.Protocol))
        {
            RefuseWithHttpStatus(context, HttpStatusCode.UpgradeRequired, $"gRPC needs HTTP/2; this request came over {request.Protocol}.");
            return;
        }

        var path = request.Path.Value ?? "";
        if (!registry.TryFind(path, out var method))
        {
            RpcLog.Unimplemented(logger, path);
            EndEarly(context, StatusCode.Unimplemented, $"Method '{path}' is not implemented by this server.");
            return;
        }

        // Encoding names are compared without case, as the message reader does.
        string? encoding = request.Headers[GrpcProtocol.EncodingHeader];
        if (encoding is not null
            && !encoding.Equals(GrpcProtocol.IdentityEncoding, StringComparison.OrdinalIgnoreCase)
            && !encoding.Equals(GrpcProtocol.GzipEncoding, StringComparison.OrdinalIgnoreCase))
        {
            EndEarly(context, StatusCode.Unimplemented, $"grpc-encoding '{encoding}' is not supported; this server accepts {GrpcProtocol.SupportedEncodings}.");
            return;
        }

        TimeSpan? timeout = null;
        string? timeoutHeader = request.Headers[GrpcProtocol.TimeoutHeader];
        if (timeoutHeader is not null)
        {
            if (GrpcTimeout.TryParse(timeoutHeader, out var parsed))
            {
                timeout = parsed;
            }
            else
            {
                RpcLog.InvalidTimeout(logger, timeoutHeader); // as grpc-dotnet does: a bad header means no deadline
            }
        }

        // Messages are limited one by one (MaxReceiveMessageSize); a long stream is not a large request.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = null;
        }

        if (context.Features.Get<IHttpMinRequestBodyDataRateFeature>() is { } minRate)
        {
            minRate.MinDataRate = null;
        }

        using var call = new GrpcCall(context, method.Method, encoding, timeout, clock) { LargeMessages = _largeMessages };
        try
        {
            await method.HandleAsync(call, options).ConfigureAwait(false);
            call.TryEnd(StatusCode.OK, "", extraTrailers: call.Context.ResponseTrailers);
        }
        catch (Exception e)
        {
            var status = ToStatus(e, call);
            if (call.TryEnd(status.StatusCode, status.Detail, status.Reason, status.Domain, call.Context.ResponseTrailers, status.FieldViolations))
            {
                RpcLog.CallEnded(logger, path, status.StatusCode, status.Detail);
            }
        }
    }

    private static void RefuseWithHttpStatus(HttpContext context, HttpStatusCode httpStatus, string detail)
    {
        var response = context.Response;
        response.StatusCode = (int)httpStatus;
        response.ContentType = GrpcProtocol.ContentType;
        response.Headers[GrpcProtocol.StatusTrailer] = ((int)StatusCode.Internal).ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.Headers[GrpcProtocol.MessageTrailer] = PercentEncoding.Encode(StatusLimits.CutMessage(detail));
    }

    /// <summary>A trailers-only response: HTTP 200 and the status in the one HEADERS frame.</summary>
    private static void EndEarly(HttpContext context, StatusCode code, string detail)
    {
        var response = context.Response;
        response.StatusCode = (int)HttpStatusCode.OK;
        response.ContentType = GrpcProtocol.ContentType;
        response.Headers[GrpcProtocol.AcceptEncodingHeader] = GrpcProtocol.SupportedEncodings;
        response.Headers[GrpcProtocol.StatusTrailer] = ((int)code).ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.Headers[GrpcProtocol.MessageTrailer] = PercentEncoding.Encode(StatusLimits.CutMessage(detail));
    }

    private RpcException ToStatus(Exception error, GrpcCall call)
    {
        if (call.IsDeadlineExceeded && error is OperationCanceledException or RpcException { StatusCode: StatusCode.DeadlineExceeded or StatusCode.Cancelled })
        {
            return new RpcException(StatusCode.DeadlineExceeded, "Deadline Exceeded");
        }

        switch (error)
        {
            case RpcException rpc:
                return rpc;
            case OperationCanceledException or IOException when call.HttpContext.RequestAborted.IsCancellationRequested:
                // The caller is gone; the status goes nowhere, but the call still ends cleanly.
                return new RpcException(StatusCode.Cancelled, "The caller cancelled the call.");
        }

        if (options.ExceptionMapper?.Invoke(error) is { } mapped)
        {
            if (mapped.StatusCode == StatusCode.Aborted)
            {
                RpcLog.HandlerConflict(logger, call.Method.FullName, error.Message, mapped.StatusCode);
            }
            else
            {
                RpcLog.HandlerFailed(logger, call.Method.FullName, mapped.StatusCode, error);
            }

            return mapped;
        }

        // Never the exception's text: it may carry internals. The log has it all.
        RpcLog.HandlerFailed(logger, call.Method.FullName, StatusCode.Unknown, error);
        return new RpcException(StatusCode.Unknown, "Exception was thrown by handler.");
    }
}
