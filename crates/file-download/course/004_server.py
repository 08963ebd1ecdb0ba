# The course's second file-download server (notes 004, 支持多个用户同时下载), kept as the
# course writes it, flaws included: a thread per client and no limit on them, one
# recv(1024) taken for the whole name, `send` whose return value is not checked, the
# text `no_file` sent in the same stream as file data for any failure, any name opened
# as it comes (`../` included), and `print(str(str))`, which prints the type `str`
# instead of the error. Changed, so that tests can run it on any machine:
# - it binds to 127.0.0.1 (loopback only), on port 0 unless `--port PORT` is given: the
#   system picks a free port, and tests never collide on a fixed one;
# - it prints `listening on IP:PORT` first, flushed, so a client knows where to connect;
# - it serves the directory given as its last argument (its current directory if none),
#   and its prints are line-buffered (see the block after the imports).
# Names are opened relative to that directory, `../` included, as in the course.
"""
tcp的实现思路
1. 创建监听套接字
2. 绑定服务器地址
3. 监听套接字
4. 创建与客户端交流的套接字
5. 接收客户端信息
6. 回复客户端信息
7. 关闭与客户端的交流
8. 关闭监听套接字

注意：
recv()、accept()会阻塞代码执行
"""
import threading
import socket

# Added (not in the course): `python3 004_server.py [--port PORT] [DIR]` serves DIR (the current
# directory if none) on 127.0.0.1:PORT (0 if none: the system picks a free port), and every
# line printed reaches a pipe at once, so a program reading this server's output sees each
# client as it comes.
import os
import sys

sys.stdout.reconfigure(line_buffering=True)
port = 0
args = sys.argv[1:]
if args[:1] == ['--port']:
    port = int(args[1])
    args = args[2:]
if args:
    os.chdir(args[0])


def send_info(new_client_socket, client_addr):
    try:
        # TODO 5.接收用户传来的文件名
        file_name = new_client_socket.recv(1024).decode('utf-8')
    except Exception as err:
        # TODO 6.客户端异常断开的错误处理
        print('%s客户端异常' % str(client_addr))
        return
    
    try:
        # TODO 10. 打开需要下载的文件
        with open(file_name, 'rb') as f:
            while True:
                # TODO 7.以1kb为单位循环读取文件内容
                info = f.read(1024)
                if not info:
                    # 如果文件内容为空，跳出循环
                    break
                # TODO 8.把读取的文件信息发送给客户端
                new_client_socket.send(info)
        # TODO 9.关闭与客户端会话的套接字
        new_client_socket.close()

    except Exception as err:
        # TODO 11.没有找到客户端请求下载的文件时的异常处理
        new_client_socket.send('no_file'.encode('utf-8'))  # 没有找到该文件
        new_client_socket.close()


def main():
    # TODO 1.创建监听套接字
    tcp_server_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)

    # TODO 2.绑定本地地址信息 bind
    tcp_server_socket.bind(('127.0.0.1', port))

    # TODO 3.监听 listen
    tcp_server_socket.listen(128)
    print('listening on %s:%d' % tcp_server_socket.getsockname(), flush=True)

    while True:
        try:
            # TODO 3.创建与客户端交流的套接字 accept
            print('等待新用户接入...')
            new_client_socket, client_addr = tcp_server_socket.accept()
            print('%s用户接入' % str(client_addr))

            # 收发信息
            # send_info(new_client_socket)
            # TODO 4. 把执行下载信息传输的部分抽离，便于创建子线程，可实现多位用户同时下载
            t = threading.Thread(target=send_info, args=(new_client_socket, client_addr))
            t.start() # 开启子线程

        except Exception as err:
            # TODO 12.服务端系统错误
            print(str(str))
            break
    # TODO 13.关闭监听套接字
    tcp_server_socket.close()


if __name__ == '__main__':
    main()
