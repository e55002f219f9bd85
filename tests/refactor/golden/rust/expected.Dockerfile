FROM rust:1.80-bookworm AS builder
WORKDIR /usr/src/hello
COPY . .
RUN cargo install --path .

FROM debian:bookworm-slim
WORKDIR /usr/src/hello
COPY --from=builder /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/
COPY --from=builder /usr/local/cargo/bin/hello /usr/local/bin/hello
USER nobody
CMD ["hello"]
