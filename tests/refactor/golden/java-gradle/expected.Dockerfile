FROM gradle:8-jdk21 AS builder
WORKDIR /home/gradle/project
COPY . .
RUN gradle bootJar --no-daemon

FROM eclipse-temurin:21-jre
WORKDIR /home/gradle/project
COPY --from=builder /home/gradle/project/build/libs/app.jar ./build/libs/app.jar
USER nobody
EXPOSE 8080
ENTRYPOINT ["java", "-jar", "build/libs/app.jar"]
