# Orders API: TypeScript compiled with tsc
FROM node:20 AS builder

ARG APP_VERSION=dev
ENV APP_VERSION=${APP_VERSION}
WORKDIR /app

# Sources first, then install and compile
COPY package*.json ./
RUN npm ci
COPY . .
RUN npm run build

FROM node:20-alpine
LABEL org.opencontainers.image.title="orders-api"
ARG APP_VERSION=dev
ENV APP_VERSION=${APP_VERSION}
WORKDIR /app

COPY package*.json ./
RUN npm ci --omit=dev && npm cache clean --force
COPY --from=builder /app/build ./build

USER node
EXPOSE 3000
HEALTHCHECK CMD wget -qO- http://localhost:3000/health || exit 1
CMD ["node", "build/main.js"]
