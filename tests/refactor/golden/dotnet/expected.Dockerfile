FROM mcr.microsoft.com/dotnet/sdk:8.0 AS builder
WORKDIR /src
COPY . .
RUN dotnet publish WebApi.csproj -c Release -o /app/publish

FROM mcr.microsoft.com/dotnet/aspnet:8.0
WORKDIR /src
COPY --from=builder /app/publish ./
USER app
EXPOSE 8080
ENTRYPOINT ["dotnet", "WebApi.dll"]
