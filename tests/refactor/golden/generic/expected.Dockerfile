FROM ubuntu:24.04 AS builder
RUN apt-get update && apt-get install -y --no-install-recommends build-essential cmake && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cmake -B build && cmake --build build

FROM ubuntu:24.04
WORKDIR /src
# TODO: copy only what the runtime needs from the builder
COPY --from=builder /src .
CMD ["sh", "-c", "./build/tool --serve"]
