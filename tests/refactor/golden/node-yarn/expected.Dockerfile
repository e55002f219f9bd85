ARG NODE_VERSION=22
FROM node:${NODE_VERSION}-bookworm AS builder
WORKDIR /usr/src/app
COPY package.json yarn.lock ./
RUN yarn install --frozen-lockfile
COPY . .
RUN yarn build

FROM node:${NODE_VERSION}-bookworm-slim
WORKDIR /usr/src/app
ENV PORT=8080
COPY package.json yarn.lock ./
RUN yarn install --frozen-lockfile --production && yarn cache clean
COPY --from=builder /usr/src/app/dist ./dist
USER node
EXPOSE 8080
CMD ["node", "dist/server.js"]
